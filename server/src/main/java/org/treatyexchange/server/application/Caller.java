package org.treatyexchange.server.application;

import java.util.Objects;

/**
 * Who asks, established once by the edge that authenticated them; every use case decides from this
 * alone what the caller may do.
 *
 * @param account    the registry account (or {@code operator} on the admin channel)
 * @param state      the State the account acts for; null for the secretariat
 * @param role       what the account is
 * @param channel    where the request came from
 * @param credential the key or certificate fingerprint the caller proved (or {@code password})
 * @param source     the remote address, for the audit trail
 */
public record Caller(String account, String state, Role role, Channel channel, String credential, String source) {

    /** What kind of actor a caller is. */
    public enum Role {
        /** A State's reporting officer. */
        STATE_OFFICER,
        /** A State's automated national system. */
        STATE_SYSTEM,
        /** A State's administrator: a State officer who also manages its own State's accounts (never another State's). */
        STATE_ADMIN,
        /** A secretariat officer: reads everything, decides on filings, writes to States. */
        SECRETARIAT,
        /** A secretariat administrator: an officer who also manages accounts, keys, certificates and the registry. */
        SECRETARIAT_ADMIN,
        /** The operator at the server's local admin socket: acts for the secretariat. */
        OPERATOR;

        public boolean isSecretariat() {
            return this == SECRETARIAT || this == SECRETARIAT_ADMIN || this == OPERATOR;
        }
    }

    /** The edge a request came through. */
    public enum Channel {
        SFTP("sftp"), API("api"), PORTAL("portal"), ADMIN("admin");

        private final String wireName;

        Channel(String wireName) {
            this.wireName = wireName;
        }

        /** As recorded in filings and audit events. */
        public String wireName() {
            return wireName;
        }
    }

    public Caller {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(source, "source");
        if (role.isSecretariat() != (state == null)) {
            throw new IllegalArgumentException("a secretariat caller, and only it, has no State");
        }
    }

    /** The operator at the admin socket. */
    public static Caller operator() {
        return new Caller("operator", null, Role.OPERATOR, Channel.ADMIN, "-", "admin-socket");
    }

    public boolean isSecretariat() {
        return role.isSecretariat();
    }

    /** Whether the caller may change accounts, keys, certificates and the registry (the operator at the socket may). */
    public boolean administersRegistry() {
        return role == Role.SECRETARIAT_ADMIN || role == Role.OPERATOR;
    }

    /** Whether the caller is a State administrator (its State's accounts, under the secretariat's approval policy). */
    public boolean administersState() {
        return role == Role.STATE_ADMIN && state != null;
    }

    /**
     * The State this caller acts for; refuses the secretariat and the operator. The one check behind every
     * use case of a State (its filings, inbox, receipts, instructions), whichever channel asks.
     */
    public String requireState() throws Refusal {
        if (isSecretariat() || state == null) { // the constructor already excludes the second; re-checked at the boundary
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only a State's account may do this");
        }
        return state;
    }

    /** Refuses every caller but the secretariat and the operator: the one check behind every secretariat use case. */
    public void requireSecretariat() throws Refusal {
        if (!isSecretariat()) {
            throw new Refusal(Refusal.Reason.FORBIDDEN, "only the secretariat may do this");
        }
    }
}
