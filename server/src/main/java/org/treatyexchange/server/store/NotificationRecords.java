package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outbox of e-mail notifications and the reminders already noted. A mail is enqueued in the
 * transaction of the event that causes it; a sender claims it with a conditional update, so that of
 * several nodes exactly one sends it.
 */
public interface NotificationRecords {

    /** Waiting for its first try, or for the next after a failure. */
    String QUEUED = "queued";
    /** Claimed by a sender until {@code nextAttemptAt}; claimable again after that (a node died mid-send). */
    String SENDING = "sending";
    String SENT = "sent";
    /** Failed for good: the secretariat sees it ({@code scripts/admin notifications}). */
    String FAILED = "failed";
    /** Written but not to be sent yet: an enrolment invitation whose change awaits the secretariat's approval. */
    String HELD = "held";

    /** The template of an enrolment invitation; its body holds {@link #TOKEN_PLACEHOLDER} where the sealed token goes. */
    String ENROLMENT_INVITATION = "enrolment-invitation";
    String TOKEN_PLACEHOLDER = "{enrolment-token}";

    /** What an invitation's token is sealed for: its change and recipient, so a seal copied to another row does not open. */
    static String invitationPurpose(String changeId, String recipient) {
        return "enrolment-invitation:" + changeId + ":" + recipient;
    }

    /** A secret sealed by the server's master keys (base64), kept with a mail only until it is sent or failed for good. */
    record SealedPart(String changeId, String masterKeyId, String sealedBase64) {
    }

    /** A mail to enqueue: one recipient address, its text already rendered. */
    record NewMail(String recipient, String template, String filingId, String state, String subject, String body,
            boolean attachReceipt) {
    }

    /** A mail as stored. */
    record Mail(long id, String recipient, String template, String filingId, String state, String subject, String body,
            boolean attachReceipt, String status, int attempts, Instant nextAttemptAt, String claimedBy, Instant createdAt,
            Instant sentAt, String lastError) {
    }

    /** Enqueues a mail, due at once; returns its id. */
    long enqueue(NewMail mail, Instant at) throws StoreException;

    /**
     * Enqueues a mail that carries a sealed secret, tied to a delegated change: held (not sent) until
     * {@link #releaseHeld} when {@code held}, else due at once; returns its id.
     */
    long enqueueSealed(NewMail mail, SealedPart secret, boolean held, Instant at) throws StoreException;

    /** Makes the held mails of a change due now; returns how many. */
    int releaseHeld(String changeId, Instant at) throws StoreException;

    /** Drops the held or queued mails of a change (marked failed, their seal wiped); returns how many. */
    int dropUnsent(String changeId, String why) throws StoreException;

    /** Drops the held or queued invitation mails of an invited account (its invitations cancelled); returns how many. */
    int dropUnsentInvitations(String account, String why) throws StoreException;

    /** The sealed secret of a mail, while it has one. */
    Optional<SealedPart> sealedPart(long id) throws StoreException;

    /** Mails a sender may claim at {@code now}: queued or with an expired claim, due first, at most {@code limit}. */
    List<Mail> due(Instant now, int limit) throws StoreException;

    /**
     * Claims a mail for {@code node} until {@code until} and counts the attempt, only if it is still as
     * the caller read it (same attempts, queued or with an expired claim): false when another node got it.
     */
    boolean claim(long id, int attempts, String node, Instant now, Instant until) throws StoreException;

    /** Marks a mail the node claimed as sent; false when the claim was lost meanwhile. */
    boolean sent(long id, String node, Instant at) throws StoreException;

    /** Gives a claimed mail back for another try at {@code next}, keeping why this one failed. */
    boolean retry(long id, String node, Instant next, String error) throws StoreException;

    /** Marks a claimed mail failed for good. */
    boolean failed(long id, String node, String error) throws StoreException;

    /** Mails with this status, oldest first, at most {@code limit}. */
    List<Mail> withStatus(String status, int limit) throws StoreException;

    /** One mail by id. */
    Optional<Mail> byId(long id) throws StoreException;

    /** The mails about one filing, oldest first. */
    List<Mail> ofFiling(String filingId) throws StoreException;

    /**
     * Notes that a deadline reminder is being sent; false when it was noted before (by this node
     * or another, before a restart or not): then nothing is to be sent.
     *
     * @param period the obligation's period, {@code -} for the initial report
     * @param reminder days before the deadline, or {@code overdue}
     */
    boolean noteReminder(String state, String reportType, String period, String reminder, Instant at) throws StoreException;
}
