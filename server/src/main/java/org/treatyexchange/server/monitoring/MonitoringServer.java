package org.treatyexchange.server.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health and metrics listener: plain HTTP for the local monitoring agent, on its own port, loopback
 * by default. {@code GET /health/live} (200 while the process serves), {@code GET /health/ready} (200 when
 * every {@link HealthCheck} holds, else 503 naming the ones that failed), {@code GET /metrics} (Prometheus
 * text). Read-only: no document, no secret, no registry data; one small thread, so a slow agent cannot
 * take threads from the channels.
 */
public final class MonitoringServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonitoringServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final ExecutorService executor;

    private MonitoringServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Binds and starts the listener.
     *
     * @param checks the readiness conditions by name, in the order reported
     * @throws IOException if the address cannot be bound (e.g. the port is in use)
     */
    public static MonitoringServer start(String bind, int port, ExchangeMetrics metrics, Map<String, HealthCheck> checks) throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        Map<String, HealthCheck> ordered = new LinkedHashMap<>(checks);
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "monitoring");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, metrics, ordered);
            } catch (RuntimeException e) {
                LOG.warn("monitoring request failed: {}", e.toString());
            }
        });
        http.start();
        MonitoringServer server = new MonitoringServer(http, executor);
        LOG.info("health and metrics on http://{}:{}/ (/health/live, /health/ready, /metrics)", bind, server.port());
        return server;
    }

    private static void handle(HttpExchange exchange, ExchangeMetrics metrics, Map<String, HealthCheck> checks) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return;
        }
        switch (exchange.getRequestURI().getPath()) {
            case "/health/live" -> send(exchange, 200, "application/json", "{\"status\":\"live\"}\n");
            case "/health/ready" -> ready(exchange, checks);
            case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            default -> send(exchange, 404, "text/plain; charset=utf-8", "not found: /health/live, /health/ready, /metrics\n");
        }
    }

    private static void ready(HttpExchange exchange, Map<String, HealthCheck> checks) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode results = JSON.createObjectNode();
        List<String> failed = new ArrayList<>();
        for (Map.Entry<String, HealthCheck> c : checks.entrySet()) {
            String problem;
            try {
                problem = c.getValue().problem();
            } catch (Exception e) {
                problem = "check failed (" + e.getClass().getSimpleName() + ")";
            }
            results.put(c.getKey(), problem == null ? "ok" : problem);
            if (problem != null) {
                failed.add(c.getKey());
            }
        }
        body.put("status", failed.isEmpty() ? "ready" : "not-ready");
        body.set("failed", JSON.valueToTree(failed));
        body.set("checks", results);
        send(exchange, failed.isEmpty() ? 200 : 503, "application/json", body.toString() + "\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
