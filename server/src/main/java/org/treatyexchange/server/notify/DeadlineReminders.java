package org.treatyexchange.server.notify;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.release.Obligations;
import org.treatyexchange.server.reporting.StateStatus;
import org.treatyexchange.server.store.NotificationRecords.NewMail;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Reminds a State Party's points of contact of a report it has not filed: on each of the configured days before the
 * deadline (the nearest one that has come, so a server that was down on the 30th day still sends the 7-day reminder in
 * time), and once it is overdue (the day after the deadline, or within {@link #OVERDUE_WINDOW_DAYS} when the server was
 * down that day). Each (State, obligation, reminder) is noted with its mails in one transaction: it is sent once,
 * across restarts and nodes. Standing comes from {@link Obligations}: the numbers of the public table.
 */
final class DeadlineReminders {

    static final int OVERDUE_WINDOW_DAYS = 7;
    static final String OVERDUE = "overdue";

    private final Obligations obligations;
    private final Store store;
    private final RegistryService registry;
    private final MailTemplates templates;
    private final List<Integer> reminderDays;
    private final Map<String, String> reportTypeNames;
    private final AuditLog audit;
    private final Runnable wake;
    private final Clock clock;

    DeadlineReminders(Obligations obligations, Store store, RegistryService registry, MailTemplates templates, List<Integer> reminderDays,
            Map<String, String> reportTypeNames, AuditLog audit, Runnable wake, Clock clock) {
        this.obligations = obligations;
        this.store = store;
        this.registry = registry;
        this.templates = templates;
        this.reminderDays = reminderDays.stream().sorted().toList(); // nearest first
        this.reportTypeNames = Map.copyOf(reportTypeNames);
        this.audit = audit;
        this.wake = wake;
        this.clock = clock;
    }

    /** Notes and enqueues every reminder due today; returns how many (State, obligation, reminder) were new. */
    int check() throws StoreException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        int farthest = reminderDays.isEmpty() ? 0 : reminderDays.get(reminderDays.size() - 1);
        int noted = 0;
        for (Obligations.Standing s : obligations.dueBetween(today.minusDays(OVERDUE_WINDOW_DAYS), today.plusDays(farthest))) {
            String reminder = reminder(s, today);
            if (reminder != null && note(s, reminder, today)) {
                noted++;
            }
        }
        return noted;
    }

    /** Which reminder a standing calls for today, or null. */
    private String reminder(Obligations.Standing s, LocalDate today) {
        if (s.outcome() == StateStatus.Outcome.MISSING) {
            return OVERDUE; // the due day has ended without a report: within the window by the query above
        }
        if (s.outcome() != StateStatus.Outcome.NOT_YET_DUE) {
            return null; // filed, on time or late
        }
        long daysLeft = ChronoUnit.DAYS.between(today, s.due());
        for (int d : reminderDays) {
            if (daysLeft <= d) {
                return Integer.toString(d);
            }
        }
        return null;
    }

    private boolean note(Obligations.Standing s, String reminder, LocalDate today) throws StoreException {
        String name = reportTypeNames.getOrDefault(s.reportType(), s.reportType());
        MailTemplates.Text text = reminder.equals(OVERDUE) ? templates.overdue(s.state(), name, s.period(), s.due())
                : templates.reminder(s.state(), name, s.period(), s.due(), ChronoUnit.DAYS.between(today, s.due()));
        String template = reminder.equals(OVERDUE) ? MailTemplates.DEADLINE_OVERDUE : MailTemplates.DEADLINE_REMINDER;
        Set<String> to = NotificationOutbox.pointsOfContact(registry, s.state());
        Instant at = NotificationOutbox.now(clock);
        String period = s.period() == null ? "-" : s.period();
        return store.inTransaction(tx -> {
            if (!tx.notifications().noteReminder(s.state(), s.reportType(), period, reminder, at)) {
                return false;
            }
            for (String address : to) {
                tx.notifications().enqueue(new NewMail(address, template, null, s.state(), text.subject(), text.body(), false), at);
            }
            audit.append(tx, AuditEvent.ok("notification.reminder", "server", "local", s.state())
                    .withDetail("reportType", s.reportType()).withDetail("period", period).withDetail("due", s.due().toString())
                    .withDetail("reminder", reminder).withDetail("recipients", Integer.toString(to.size())));
            tx.afterCommit(wake);
            return true;
        });
    }
}
