package org.treatyexchange.server.api;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.MessageIntake;
import org.treatyexchange.server.application.Refusal;

/**
 * What the HTTPS edge asks of the exchange, in the edge's own terms (bytes to send back). The server's
 * implementation ({@link DeskGateway}) calls the application layer; tests of the Netty handler use a
 * double. Every method may block (database, disk, crypto): the edge calls them on an executor it owns,
 * never on an event loop.
 */
interface ApiGateway {

    /** The caller behind a TLS client certificate, asked on every request (so a revocation applies at once). */
    Optional<Caller> identify(X509Certificate clientCertificate, String source);

    /** Verifies a signed envelope and decides: the original receipt for a resend, or an intake for the documents. */
    MessageIntake.Start startMessage(Caller caller, byte[] signedEnvelope) throws Refusal;

    /** Unacknowledged entries with seq greater than {@code after}, oldest first, at most {@code limit}. */
    List<InboxEntry> inbox(Caller caller, long after, int limit) throws Refusal;

    /** The server-signed CMS of one inbox entry of the caller's State. */
    byte[] inboxItem(Caller caller, long seq) throws Refusal;

    /** Marks an entry read; it no longer appears in {@link #inbox}. Idempotent. */
    void acknowledge(Caller caller, long seq) throws Refusal;

    /** The secretariat's signed message to States; returns the server-signed receipt. */
    byte[] sendFromSecretariat(Caller caller, byte[] signedEnvelope) throws Refusal;

    /**
     * The edge refused a request on its own (rate limit, oversized headers, timeout, bad route…):
     * record it. Called off the event loop; must not throw.
     *
     * @param caller      the identified caller, or null when refused before identification
     * @param problemType the problem's slug, e.g. {@code rate-limited}
     * @param request     method and path (no query, no body)
     */
    default void refusedAtEdge(Caller caller, String source, String problemType, String request) {
        // no-op unless the implementation audits
    }

    /** Filings waiting for the secretariat's decision, as JSON ({@code {"filings":[…]}}). */
    default byte[] pendingFilings(Caller caller) throws Refusal {
        throw notOffered();
    }

    /**
     * Releases a pending or held filing ({@code supersededBy} confirms the release of a superseded version, or null);
     * {@code {"id","status","plan"}}, status {@code approved} for a four-eyes first approval.
     */
    default byte[] releaseFiling(Caller caller, String filingId, String supersededBy) throws Refusal {
        throw notOffered();
    }

    /** Holds a pending filing with a reason; {@code {"id","status"}}. */
    default byte[] holdFiling(Caller caller, String filingId, String reason) throws Refusal {
        throw notOffered();
    }

    /** A State withdraws one of its own filings with a reason; {@code {"id","status"}}. */
    default byte[] withdrawFiling(Caller caller, String filingId, String reason) throws Refusal {
        throw notOffered();
    }

    /** The national points of contact (text), for States Parties and the secretariat only. */
    default byte[] contacts(Caller caller) throws Refusal {
        throw notOffered();
    }

    /** The confidentiality in force for filings that say no level, as JSON. */
    default byte[] instructions(Caller caller) throws Refusal {
        throw notOffered();
    }

    /** Who has filed its annual report for a year, as {@code csv} or {@code json}. Secretariat only. */
    default byte[] reportingStatus(Caller caller, int year, String format) throws Refusal {
        throw notOffered();
    }

    private static Refusal notOffered() {
        return new Refusal(Refusal.Reason.NOT_FOUND, "not offered by this server");
    }
}
