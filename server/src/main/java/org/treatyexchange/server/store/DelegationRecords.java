package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Delegated changes of States' accounts (pending, applied, refused, undone) and one-time enrolment invitations. */
public interface DelegationRecords {

    /**
     * One change a State administrator asked for.
     *
     * @param status {@code pending}, {@code applied}, {@code refused} or {@code undone}
     * @param decidedBy who approved or refused it (the requester itself when the policy applied it at once); null while pending
     * @param payload JSON the application layer reads back (never a private key, a password or a token)
     */
    record Change(String id, String stateCode, String requestedBy, String action, String target, String summary, String payload,
            String status, String decidedBy, String reason, Instant requestedAt, Instant decidedAt, String undoneBy, Instant undoneAt) {
        public Change {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(stateCode, "stateCode");
            Objects.requireNonNull(requestedBy, "requestedBy");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(summary, "summary");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(requestedAt, "requestedAt");
        }
    }

    /** An enrolment invitation; {@code tokenHash} is the hex SHA-256 of the link's token, never the token. */
    record Invitation(String tokenHash, String account, String stateCode, String changeId, String createdBy, Instant createdAt,
            Instant expiresAt, Instant usedAt) {
    }

    void insert(Change change) throws StoreException;

    Optional<Change> change(String id) throws StoreException;

    /** The changes of one State, newest first, at most {@code limit}. */
    List<Change> ofState(String stateCode, int limit) throws StoreException;

    /** The changes of one account of one State that were applied (or applied, then undone), newest first, at most {@code limit}. */
    List<Change> appliedOrUndone(String stateCode, String account, int limit) throws StoreException;

    /** Every change with this status, oldest first (the secretariat's queue), at most {@code limit}. */
    List<Change> withStatus(String status, int limit) throws StoreException;

    /** Every change, newest first, at most {@code limit}. */
    List<Change> newest(int limit) throws StoreException;

    /**
     * Moves a change from status {@code from} to {@code to}, noting who decided, why and when: one conditional UPDATE.
     *
     * @return false when the change was not at {@code from} (another person decided first)
     */
    boolean decide(String id, String from, String to, String by, String reason, Instant at) throws StoreException;

    /** Marks an applied change undone; false when it was not applied. */
    boolean undo(String id, String by, Instant at) throws StoreException;

    /** When the account last logged in on any channel (its newest {@code auth.success} audit event), if ever. */
    Optional<Instant> lastLogin(String account) throws StoreException;

    void insertInvitation(Invitation invitation) throws StoreException;

    Optional<Invitation> invitation(String tokenHash) throws StoreException;

    /** Marks the invitation used, only if it was not: false when it was used (or cancelled) before. */
    boolean useInvitation(String tokenHash, Instant at) throws StoreException;

    /** Marks every unused invitation of the account used (its account suspended, removed or its invitation undone); how many. */
    int cancelInvitations(String account, Instant at) throws StoreException;
}
