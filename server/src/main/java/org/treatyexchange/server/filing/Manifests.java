package org.treatyexchange.server.filing;

import org.treatyexchange.server.application.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.treatyexchange.sdk.wire.Manifest;
import org.treatyexchange.sdk.wire.ManifestJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.routing.ReportingPeriods;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * SFTP manifests: {@code <file>.manifest.json} is written into a drop folder before {@code <file>};
 * it waits (durably, so any node can pair it) until that document arrives in the same folder, which
 * then files with the manifest's period, named States and withheld flag, and consumes it in the same
 * transaction. A manifest that never meets its document expires after {@link #TTL}; a document that
 * arrives without one files with what its folder says. A second manifest for the same name replaces
 * the first; a filing consumes only the manifest it applied, never a replacement written meanwhile. A
 * manifest's {@code submissionId} makes the upload idempotent ({@link FilingService}).
 */
public final class Manifests {

    /** How long a manifest waits for its document. */
    public static final Duration TTL = Duration.ofHours(24);

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public Manifests(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a waiting manifest adds to a document's submission: the stored row (to consume it) and its content. */
    public record Applied(ManifestRecords.Waiting waiting, Manifest manifest) {

        /**
         * The document's submission with what this manifest says: its period (when it says none, the
         * folder's implied one stays), named States, withheld flag, the level it repeats, its submission id,
         * its title (in NFC; checked by the filing rules when the manifest was kept) and this manifest to consume.
         */
        public Submission applyTo(Submission plain) {
            return new Submission(plain.state(), plain.account(), plain.keyFingerprint(), plain.channel(), plain.source(),
                    plain.fileName(), plain.reportType(), manifest.period() != null ? manifest.period() : plain.period(),
                    plain.level(), manifest.namedStates(), manifest.withheld(), manifest.level(), waiting, manifest.submissionId(),
                    manifest.title() != null ? java.text.Normalizer.normalize(manifest.title(), java.text.Normalizer.Form.NFC) : plain.title());
        }
    }

    /** The manifest slot's folder for a document dropped into {@code /submit/<report-type>/} itself. */
    public static final String NO_FOLDER = "-";

    /**
     * Keeps a manifest written by {@code account} into a folder; the caller has checked what it says
     * (report type, period, named States) by the rules every filing follows.
     */
    public void receive(ManifestRecords.Slot slot, String account, String source, Manifest m) throws Refusal {
        Instant clockNow = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            store.inTransaction(tx -> {
                tx.manifests().removeOlderThan(clockNow.minus(TTL));
                // Strictly later than the one it replaces: a filing consumes its manifest by slot and
                // received-at, so a replacement written meanwhile is never taken for it.
                Instant now = ManifestTimes.receivedAt(tx.manifests().find(slot).map(ManifestRecords.Waiting::receivedAt), clockNow);
                tx.manifests().put(new ManifestRecords.Waiting(slot, account, new String(ManifestJson.toBytes(m), StandardCharsets.UTF_8), now));
                audit.append(tx, AuditEvent.ok("manifest.received", account, source, slot.fileName())
                        .withDetail("state", slot.state())
                        .withDetail("reportType", slot.reportType())
                        .withDetail("folder", slot.level()));
                return null;
            });
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the manifest could not be stored; nothing was kept", e);
        }
    }

    /** The manifest waiting for this document, if any (not yet consumed: the filing's transaction does that). */
    public Optional<Applied> waitingFor(ManifestRecords.Slot slot) throws Refusal {
        try {
            Instant now = clock.instant();
            Optional<ManifestRecords.Waiting> w = store.read(tx -> tx.manifests().find(slot))
                    .filter(x -> ManifestTimes.isWaiting(x.receivedAt(), now));
            if (w.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Applied(w.get(), ManifestJson.fromBytes(w.get().json().getBytes(StandardCharsets.UTF_8))));
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the store is unavailable; try again later", e);
        } catch (WireFormatException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "a stored manifest could not be read", e);
        }
    }

    /** Audits a refused manifest and returns the refusal to throw. */
    public Refusal refused(ManifestRecords.Slot slot, String account, String source, Refusal why) {
        try {
            audit.record(store, AuditEvent.refused("manifest.refused", account, source, slot.fileName())
                    .withDetail("state", slot.state())
                    .withDetail("reason", why.code())
                    .withDetail("detail", why.getMessage()));
        } catch (StoreException e) {
            // the refusal itself still reaches the client
        }
        return why;
    }
}
