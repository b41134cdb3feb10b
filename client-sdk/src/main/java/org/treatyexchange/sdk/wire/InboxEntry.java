package org.treatyexchange.sdk.wire;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a State's inbox listing ({@code GET /api/v1/inbox}). The listing is not signed: fetch
 * the item with {@code MessageClient.fetch(long)} for its signed, verified content.
 *
 * @param seq       position in the State's queue; strictly increasing, use as {@code after} to page
 * @param kind      {@code secretariat-message} or {@code distribution}
 * @param id        the item's id
 * @param title     the item's title
 * @param createdAt when it was queued
 */
public record InboxEntry(long seq, String kind, String id, String title, Instant createdAt) {
    /** @throws NullPointerException when a field is missing */
    public InboxEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
