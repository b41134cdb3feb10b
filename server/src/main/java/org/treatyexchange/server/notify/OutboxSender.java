package org.treatyexchange.server.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.crypto.SealedSecrets;
import org.treatyexchange.server.store.NotificationRecords;
import org.treatyexchange.server.store.NotificationRecords.Mail;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Sends what the outbox holds. Each mail is first claimed with a conditional update (one node wins it), then sent
 * outside any transaction, then marked sent; a failed try is given back for another after a doubling wait, and after
 * {@code maxAttempts} tries (or at once, when the server refuses the address) marked failed for good and audited. A
 * node that dies between claim and mark leaves the claim to expire, and another node tries again: a mail the SMTP
 * server had already accepted may then arrive twice, never not at all.
 */
final class OutboxSender {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
    private static final int BATCH = 20;
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final Store store;
    private final SmtpTransport transport;
    private final AuditLog audit;
    private final Clock clock;
    private final String node;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration lease;
    private final SealedSecrets secrets;

    OutboxSender(Store store, SmtpTransport transport, AuditLog audit, Clock clock, String node, int maxAttempts, Duration backoff,
            Duration lease, SealedSecrets secrets) {
        this.secrets = secrets;
        this.store = store;
        this.transport = transport;
        this.audit = audit;
        this.clock = clock;
        this.node = node;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.lease = lease;
    }

    /** Sends every mail due now, one batch after another; returns how many this node tried. */
    int sendDue() throws StoreException {
        int tried = 0;
        while (true) {
            Instant now = NotificationOutbox.now(clock);
            List<Mail> due = store.read(tx -> tx.notifications().due(now, BATCH));
            int before = tried;
            for (Mail mail : due) {
                if (claim(mail)) {
                    send(mail);
                    tried++;
                }
            }
            if (due.size() < BATCH || tried == before) {
                return tried;
            }
        }
    }

    private boolean claim(Mail mail) throws StoreException {
        Instant now = NotificationOutbox.now(clock);
        return store.inTransaction(tx -> tx.notifications().claim(mail.id(), mail.attempts(), node, now, now.plus(lease)));
    }

    private void send(Mail mail) throws StoreException {
        int attempt = mail.attempts() + 1;
        try {
            byte[] receipt = mail.attachReceipt() && mail.filingId() != null
                    ? store.read(tx -> tx.filings().receipt(mail.filingId())).orElse(null) : null;
            transport.send(withSecret(mail), receipt);
            Instant at = NotificationOutbox.now(clock);
            boolean marked = store.inTransaction(tx -> {
                boolean ok = tx.notifications().sent(mail.id(), node, at);
                if (ok) {
                    audit.append(tx, event("notification.sent", AuditEvent.OK, mail, attempt));
                }
                return ok;
            });
            LOG.info("notification {} ({}, filing {}) sent on try {}{}", mail.id(), mail.template(), orDash(mail.filingId()), attempt,
                    marked ? "" : " after its claim expired");
        } catch (SmtpTransport.SendFailure e) {
            if (e.permanent() || attempt >= maxAttempts) {
                store.inTransaction(tx -> {
                    if (tx.notifications().failed(mail.id(), node, e.getMessage())) {
                        audit.append(tx, event("notification.failed", AuditEvent.FAILED, mail, attempt).withDetail("error", e.getMessage()));
                    }
                    return null;
                });
                LOG.error("notification {} ({}, filing {}) failed for good after {} tries: {}", mail.id(), mail.template(),
                        orDash(mail.filingId()), attempt, e.getMessage());
            } else {
                Instant next = NotificationOutbox.now(clock).plus(delay(attempt));
                store.inTransaction(tx -> tx.notifications().retry(mail.id(), node, next, e.getMessage()));
                LOG.warn("notification {} ({}) not sent on try {}: {}; next try at {}", mail.id(), mail.template(), attempt, e.getMessage(),
                        next);
            }
        }
    }

    /**
     * The mail as it is sent: an enrolment invitation gets its token, opened from the seal in memory only (the row keeps
     * the placeholder; the seal is wiped when the mail is sent or failed for good). A seal that is gone or does not open
     * fails the mail for good.
     */
    private Mail withSecret(Mail mail) throws StoreException, SmtpTransport.SendFailure {
        if (!NotificationRecords.ENROLMENT_INVITATION.equals(mail.template())) {
            return mail;
        }
        NotificationRecords.SealedPart part = store.read(tx -> tx.notifications().sealedPart(mail.id()))
                .orElseThrow(() -> new SmtpTransport.SendFailure("the invitation's sealed link is gone", true, null));
        byte[] token;
        try {
            token = secrets.open(new SealedSecrets.Sealed(part.masterKeyId(), Base64.getDecoder().decode(part.sealedBase64())),
                    NotificationRecords.invitationPurpose(part.changeId(), mail.recipient()));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            throw new SmtpTransport.SendFailure("the invitation's sealed link does not open", true, null);
        }
        String body = mail.body().replace(NotificationRecords.TOKEN_PLACEHOLDER, new String(token, StandardCharsets.US_ASCII));
        return new Mail(mail.id(), mail.recipient(), mail.template(), mail.filingId(), mail.state(), mail.subject(), body,
                mail.attachReceipt(), mail.status(), mail.attempts(), mail.nextAttemptAt(), mail.claimedBy(), mail.createdAt(), mail.sentAt(),
                mail.lastError());
    }

    /** The wait after failed try {@code attempt}: the backoff, doubled after each try, at most an hour. */
    Duration delay(int attempt) {
        Duration d = backoff;
        for (int i = 1; i < attempt && d.compareTo(MAX_BACKOFF) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private static AuditEvent event(String type, String outcome, Mail mail, int attempt) {
        return new AuditEvent(type, "server", "local", Long.toString(mail.id()), outcome, java.util.Map.of(
                "template", mail.template(), "recipient", mail.recipient(), "filing", orDash(mail.filingId()),
                "state", orDash(mail.state()), "attempt", Integer.toString(attempt)));
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
