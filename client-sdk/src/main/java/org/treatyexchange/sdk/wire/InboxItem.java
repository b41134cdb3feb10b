package org.treatyexchange.sdk.wire;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a State's inbound queue (version 1), as the server signs it ({@link InboxItemJson}):
 * a message from the secretariat, or a filing the secretariat distributed to the State.
 *
 * @param version   format version, {@value #CURRENT_VERSION}
 * @param kind      secretariat message or distribution
 * @param id        the item's id (the message id, or the distribution's id): 1 to 128 of {@code A-Z a-z 0-9 . _ : -}
 * @param to        the receiving State's alpha-3 code
 * @param createdAt when the item was queued
 * @param title     1 to 300 characters
 * @param body      free text, or null
 * @param documents the documents that come with it (may be empty)
 * @param filingId  for a distribution the filing passed on (required); null for a secretariat message
 * @param level     the confidentiality level of the distributed filing, or null
 */
public record InboxItem(
        int version,
        Kind kind,
        String id,
        String to,
        Instant createdAt,
        String title,
        String body,
        List<DocumentInfo> documents,
        String filingId,
        ConfidentialityLevel level) {

    /** The only version this SDK reads and writes. */
    public static final int CURRENT_VERSION = 1;
    /** Largest inbox item JSON accepted. */
    public static final int MAX_BYTES = 128 * 1024;

    /** What the item is. */
    public enum Kind {
        /** A message the secretariat sent. */
        SECRETARIAT_MESSAGE("secretariat-message"),
        /** A filing passed on to this State. */
        DISTRIBUTION("distribution");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The name written on the wire. */
        public String wireName() {
            return wireName;
        }

        /** Parses a wire name exactly; anything else is empty. */
        public static Optional<Kind> fromWireName(String name) {
            for (Kind k : values()) {
                if (k.wireName.equals(name)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** @throws IllegalArgumentException naming the first rule the values break */
    public InboxItem {
        Rules.require(version == CURRENT_VERSION, "inbox item version must be " + CURRENT_VERSION);
        Rules.require(kind != null, "kind is required");
        Rules.id("id", id);
        Rules.state("to", to);
        Rules.require(createdAt != null, "createdAt is required");
        Rules.title("title", title);
        Rules.body("body", body);
        documents = Rules.copy("documents", documents);
        Rules.require(documents.size() <= Rules.MAX_DOCUMENTS, "documents must have at most 64 entries");
        if (kind == Kind.DISTRIBUTION) {
            Rules.id("filingId", filingId);
        } else {
            Rules.require(filingId == null, "filingId must be null for a secretariat-message");
        }
    }
}
