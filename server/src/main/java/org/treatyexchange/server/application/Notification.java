package org.treatyexchange.server.application;

import java.time.Instant;
import org.treatyexchange.server.store.NotificationRecords;

/**
 * One e-mail notification as the secretariat sees it: to whom, which template, about which filing or State, where it
 * stands ({@code queued}, {@code sending}, {@code sent}, {@code failed}, {@code held}: an enrolment invitation
 * awaiting approval), how many tries and the last error.
 */
public record Notification(long id, String recipient, String template, String filingId, String state, String subject, String status,
        int attempts, Instant createdAt, Instant sentAt, Instant nextAttemptAt, String lastError) {

    /** The statuses a listing may ask for. */
    public static final java.util.List<String> STATUSES = java.util.List.of(NotificationRecords.QUEUED, NotificationRecords.SENDING,
            NotificationRecords.SENT, NotificationRecords.FAILED, NotificationRecords.HELD);

    static Notification of(NotificationRecords.Mail m) {
        return new Notification(m.id(), m.recipient(), m.template(), m.filingId(), m.state(), m.subject(), m.status(), m.attempts(),
                m.createdAt(), m.sentAt(), m.nextAttemptAt(), m.lastError());
    }
}
