package org.treatyexchange.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.Refusal;

/**
 * The local admin channel: a Unix domain socket inside the owner-only data directory, so only the
 * operator's account (and root) can reach it. The CLI goes through it because embedded Derby admits
 * one process per database.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final ServerSocketChannel server;
    private final Path socket;
    private final AdminOperations ops;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "admin-channel");
        t.setDaemon(true);
        return t;
    });
    private final Thread acceptor;
    private volatile boolean running = true;

    private AdminServer(ServerSocketChannel server, Path socket, AdminOperations ops) {
        this.server = server;
        this.socket = socket;
        this.ops = ops;
        this.acceptor = new Thread(this::acceptLoop, "admin-accept");
        this.acceptor.setDaemon(true);
    }

    public static AdminServer start(Path socket, AdminOperations ops) throws IOException {
        Files.deleteIfExists(socket); // a stale socket from a killed process
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        PosixFileAttributeView view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
        if (view != null) {
            view.setPermissions(PosixFilePermissions.fromString("rw-------"));
        }
        AdminServer admin = new AdminServer(server, socket, ops);
        admin.acceptor.start();
        LOG.info("admin channel listening on {}", socket);
        return admin;
    }

    private void acceptLoop() {
        while (running) {
            try {
                SocketChannel client = server.accept();
                workers.execute(() -> serve(client));
            } catch (IOException e) {
                if (running) {
                    LOG.warn("admin channel accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
                InputStream in = new BufferedInputStream(Channels.newInputStream(client));
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(client))) {
            JsonNode request;
            try {
                request = AdminProtocol.readLine(in, AdminProtocol.MAX_REQUEST_LINE);
            } catch (IOException e) {
                fail(out, "malformed request");
                return;
            }
            String op = request.path("op").asText("");
            try {
                switch (op) {
                    case "list-filings" -> ok(out, ops.listFilings(textOrNull(request, "state"), textOrNull(request, "reportType"),
                            textOrNull(request, "period"), textOrNull(request, "level"), textOrNull(request, "status")));
                    case "cycle-index" -> ok(out, ops.cycleIndex(textOrNull(request, "reportType"), textOrNull(request, "period")));
                    case "show-filing" -> ok(out, ops.showFiling(request.path("id").asText("")));
                    case "export" -> export(out, request.path("id").asText(""));
                    case "export-audit" -> exportAudit(out);
                    case "verify-audit" -> ok(out, ops.verifyAudit());
                    case "audit-checkpoint" -> ok(out, ops.checkpointAudit());
                    case "audit-checkpoints" -> ok(out, ops.auditCheckpoints());
                    case "rotate-master-key" -> ok(out, ops.rotateMasterKey());
                    case "reload-registry" -> ok(out, ops.reloadRegistry());
                    case "register-keys" -> ok(out, ops.registerKeys(request.path("account").asText(""), textOrNull(request, "sshKey"),
                            textOrNull(request, "certificate")));
                    case "pending" -> ok(out, ops.pending());
                    case "notifications" -> ok(out, ops.notifications(request.path("status").asText("failed"), request.path("limit").asInt(100)));
                    case "status" -> ok(out, ops.reportingStatus(request.path("year").asInt(0), textOrNull(request, "format")));
                    case "contacts" -> ok(out, ops.contacts(textOrNull(request, "format")));
                    case "instructions" -> ok(out, ops.instructions(textOrNull(request, "state"), textOrNull(request, "format")));
                    case "backup" -> ok(out, ops.backup(textOrNull(request, "target")));
                    case "demo-totp" -> ok(out, ops.demoTotp(textOrNull(request, "account")));
                    case "release" -> ok(out, ops.release(request.path("id").asText(""), textOrNull(request, "supersededBy")));
                    case "hold" -> ok(out, ops.hold(request.path("id").asText(""), textOrNull(request, "reason")));
                    case "withdraw" -> ok(out, ops.withdraw(request.path("id").asText(""), textOrNull(request, "reason")));
                    case "send" -> ok(out, ops.send(strings(request.path("recipients")), request.path("title").asText(""),
                            textOrNull(request, "body")));
                    default -> fail(out, "unknown operation '" + op + "'");
                }
            } catch (Refusal e) {
                fail(out, e);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("admin request failed: {}", e.toString());
        }
    }

    private void export(OutputStream out, String id) throws IOException, Refusal {
        ops.find(id); // refuse unknown ids before announcing a stream
        ObjectNode header = AdminProtocol.MAPPER.createObjectNode().put("ok", true).put("stream", true);
        AdminProtocol.writeLine(out, header);
        AdminProtocol.FrameOutput frames = new AdminProtocol.FrameOutput(out);
        try {
            Filing f = ops.export(id, frames);
            frames.end();
            ok(out, ops.describe(f));
        } catch (Refusal e) {
            frames.end();
            fail(out, e);
        }
    }

    private void exportAudit(OutputStream out) throws IOException, Refusal {
        AdminProtocol.writeLine(out, AdminProtocol.MAPPER.createObjectNode().put("ok", true).put("stream", true));
        AdminProtocol.FrameOutput frames = new AdminProtocol.FrameOutput(out);
        try {
            org.treatyexchange.server.application.Administration.AuditExport export = ops.exportAudit(frames);
            frames.end();
            ok(out, AdminProtocol.MAPPER.createObjectNode().put("events", export.events())
                    .put("signature", java.util.Base64.getEncoder().encodeToString(export.signature())));
        } catch (Refusal e) {
            frames.end();
            fail(out, e);
        }
    }

    private static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void ok(OutputStream out, JsonNode result) throws IOException {
        ObjectNode n = AdminProtocol.MAPPER.createObjectNode().put("ok", true);
        n.set("result", result);
        AdminProtocol.writeLine(out, n);
    }

    private static void fail(OutputStream out, String error) throws IOException {
        AdminProtocol.writeLine(out, AdminProtocol.MAPPER.createObjectNode().put("ok", false).put("error", error)
                .put("reason", Refusal.Reason.MALFORMED.code()));
    }

    /** A refusal of the application layer: its safe message and its reason code (the CLI's exit code). */
    private static void fail(OutputStream out, Refusal refusal) throws IOException {
        AdminProtocol.writeLine(out, AdminProtocol.MAPPER.createObjectNode().put("ok", false).put("error", refusal.getMessage())
                .put("reason", refusal.code()));
    }

    @Override
    public void close() throws IOException {
        running = false;
        server.close();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
