package org.treatyexchange.server.store;

import java.time.Instant;

/**
 * One stored audit event. {@code hash} chains it to {@code prevHash} (the hash of event seq-1);
 * the audit package computes both, the store only keeps them.
 *
 * @param seq      1, 2, 3 … without gaps
 * @param at       when it happened (millisecond precision)
 * @param type     event type, e.g. {@code auth.success}, {@code filing.accepted}
 * @param actor    account or {@code -} when unknown
 * @param source   remote address or {@code local}
 * @param subject  what it is about (filing id, path…) or {@code -}
 * @param outcome  {@code ok} or {@code refused} or {@code failed}
 * @param details  canonical JSON object with further fields (never a secret or document byte)
 * @param prevHash lower-case hex SHA-256 of the previous event, 64 zeros for the first
 * @param hash     lower-case hex SHA-256 of this event
 */
public record AuditRow(
        long seq,
        Instant at,
        String type,
        String actor,
        String source,
        String subject,
        String outcome,
        String details,
        String prevHash,
        String hash) {
}
