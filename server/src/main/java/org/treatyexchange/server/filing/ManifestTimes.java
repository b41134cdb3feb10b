package org.treatyexchange.server.filing;

import java.time.Instant;
import java.util.Optional;

/**
 * When a manifest counts as received, and whether it still waits for its document ({@link Manifests#TTL}).
 * A filing consumes its manifest by slot and received-at, so a replacement must be stamped strictly later
 * than the manifest it replaces, even when the clock has not moved (or moved back).
 */
final class ManifestTimes {

    private ManifestTimes() {
    }

    /** The received-at of a manifest written {@code now} into a slot whose previous manifest was received at {@code previous}. */
    static Instant receivedAt(Optional<Instant> previous, Instant now) {
        return previous.filter(p -> !p.isBefore(now)).map(p -> p.plusMillis(1)).orElse(now);
    }

    /** Whether a manifest received at {@code receivedAt} still waits for its document at {@code now}. */
    static boolean isWaiting(Instant receivedAt, Instant now) {
        return receivedAt.isAfter(now.minus(Manifests.TTL));
    }
}
