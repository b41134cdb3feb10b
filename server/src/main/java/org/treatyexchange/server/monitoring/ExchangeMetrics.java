package org.treatyexchange.server.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditObserver;
import org.treatyexchange.server.store.CommitObserver;

/**
 * Every metric of the server, in one place, in Prometheus format. It is fed at three seams only: the
 * audit log (each committed event: filings, refusals, messages, release decisions — so what is counted
 * is exactly what was audited), the store's group commit (latency, batch size) and the API's response
 * status; gauges read the live values the server hands in. No label ever carries a document name, a
 * title, a State or any free text: channel, reason and decision are taken only from fixed vocabularies,
 * anything else is counted as {@code other}.
 */
public final class ExchangeMetrics implements AuditObserver, CommitObserver {
    /** Channels as the application layer names them. */
    private static final Set<String> CHANNELS = Set.of("sftp", "api", "portal", "admin");
    /** Reason codes a label may carry: the refusal vocabulary, and the login and storage codes the audit uses. */
    private static final Set<String> REASONS = java.util.stream.Stream.concat(
            Arrays.stream(Refusal.Reason.values()).map(Refusal.Reason::code),
            java.util.stream.Stream.of("storage-failure", "locked-out", "key-not-registered", "unknown-or-disabled-account",
                    "wrong-password", "no-password")).collect(Collectors.toUnmodifiableSet());

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer commits;
    private final DistributionSummary batches;
    private final Timer blobSyncs;

    public ExchangeMetrics() {
        commits = Timer.builder("exchange.store.commit").description("Database commits of the write path (the durable log flush)")
                .register(registry);
        batches = DistributionSummary.builder("exchange.store.commit.batch").description("Units of work sharing one database commit")
                .register(registry);
        blobSyncs = Timer.builder("exchange.blob.sync").description("Document commits to the blob store (fsync of data and directory)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** A live value, read at each scrape (sessions, uploads in flight, disk free, chain length); NaN when unreadable. */
    public void gauge(String name, String description, String baseUnit, Supplier<? extends Number> value) {
        Gauge.builder(name, () -> {
            try {
                Number n = value.get();
                return n == null ? Double.NaN : n.doubleValue();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description(description).baseUnit(baseUnit).register(registry);
    }

    @Override
    public void committed(AuditEvent event, long seq) {
        switch (event.type()) {
            case "filing.accepted" -> registry.counter("exchange.filings", "channel", channel(event)).increment();
            case "message.accepted" -> registry.counter("exchange.messages", "direction", "from-state").increment();
            case "secretariat-message.sent" -> registry.counter("exchange.messages", "direction", "to-state").increment();
            case "filing.released" -> registry.counter("exchange.release.decisions", "decision", "released").increment();
            case "filing.held" -> registry.counter("exchange.release.decisions", "decision", "held").increment();
            default -> {
            }
        }
        if (AuditEvent.REFUSED.equals(event.outcome())) {
            String reason = event.details().getOrDefault("reason", event.details().getOrDefault("problem", ""));
            Counter.builder("exchange.refusals").description("Refused acts, by channel, audit event and reason code")
                    .tags("channel", channel(event), "event", eventType(event), "reason", REASONS.contains(reason) ? reason : "other")
                    .register(registry).increment();
        }
    }

    @Override
    public void committed(int works, long nanos) {
        commits.record(nanos, TimeUnit.NANOSECONDS);
        batches.record(works);
    }

    /** Counts an API response by its status code. */
    public IntConsumer apiResponses() {
        return status -> registry.counter("exchange.api.responses", "status", Integer.toString(status)).increment();
    }

    /** The same blob store, each document's durable commit timed. */
    public org.treatyexchange.server.store.blob.BlobStore timed(org.treatyexchange.server.store.blob.BlobStore blobs) {
        return new TimedBlobStore(blobs, nanos -> blobSyncs.record(nanos, TimeUnit.NANOSECONDS));
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    private static String channel(AuditEvent event) {
        String said = event.details().get("channel");
        if (said != null && CHANNELS.contains(said)) {
            return said;
        }
        String prefix = event.type().substring(0, Math.max(0, event.type().indexOf('.')));
        return switch (prefix) {
            case "api" -> "api";
            case "sftp", "manifest", "session" -> "sftp";
            case "admin" -> "admin";
            case "portal" -> "portal";
            default -> "other";
        };
    }

    /** The audit event type: a constant of the code, never data (checked: dotted lower-case words). */
    private static String eventType(AuditEvent event) {
        return event.type().matches("[a-z]+(-[a-z]+)*(\\.[a-z]+(-[a-z]+)*)+") ? event.type() : "other";
    }
}
