package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The portal's sessions (by the hash of their id only) and people's TOTP secrets (sealed). */
public interface PortalRecords {

    /**
     * A portal session.
     *
     * @param idHash hex SHA-256 of the session id; the id itself is never stored
     * @param stage {@code second-factor}, {@code enrol} or {@code signed-in}
     * @param credential what the person proved ({@code password}, {@code password+totp}, a certificate fingerprint…)
     */
    record Session(String idHash, String account, String stage, String credential, String source, Instant createdAt, Instant lastSeenAt) {
        public Session {
            Objects.requireNonNull(idHash, "idHash");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(lastSeenAt, "lastSeenAt");
        }
    }

    /**
     * A person's TOTP secret, sealed.
     *
     * @param sealedSecret the sealed bytes (see crypto.SealedSecrets), never the secret
     * @param lastStep the last time step whose code was accepted (a new secret: -1)
     */
    record TotpSecret(String account, String masterKeyId, byte[] sealedSecret, boolean confirmed, long lastStep, Instant changedAt) {
    }

    void insertSession(Session session) throws StoreException;

    Optional<Session> session(String idHash) throws StoreException;

    /** Notes the session's use at {@code at}. */
    void touchSession(String idHash, Instant at) throws StoreException;

    /** Deletes the session; true if there was one. */
    boolean deleteSession(String idHash) throws StoreException;

    /** Deletes sessions last seen before {@code idleBefore} or created before {@code createdBefore}; returns how many. */
    int deleteExpiredSessions(Instant idleBefore, Instant createdBefore) throws StoreException;

    Optional<TotpSecret> totp(String account) throws StoreException;

    /** Records the account's secret, replacing an earlier one. */
    void putTotp(TotpSecret secret) throws StoreException;

    /**
     * Marks {@code step} used (and the secret confirmed), only if it is later than the last used step:
     * one conditional UPDATE, so two nodes accepting the same code at once cannot both succeed.
     *
     * @return true if this call used the step; false if it, or a later one, was used before
     */
    boolean useStep(String account, long step, Instant at) throws StoreException;
}
