package org.treatyexchange.server.notify;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.crypto.SealedSecrets;
import org.treatyexchange.server.home.HomeException;
import org.treatyexchange.server.home.SecretFile;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.release.Obligations;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * E-mail notifications (started only when {@code notifications.smtp} is configured): the outbox that the filing's
 * transactions write to, the deadline reminders, and one background thread that sends. The thread wakes when an event
 * commits on this node and every {@code pollInterval} otherwise (mails written by other nodes, retries, reminders).
 */
public final class Notifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    /** How often the calendar is read for reminders (also when the UTC date changes). */
    private static final Duration REMINDER_INTERVAL = Duration.ofMinutes(10);

    private final OutboxSender sender;
    private final DeadlineReminders reminders;
    private final Duration pollInterval;
    private final Clock clock;
    private final Object signal = new Object();
    private final ExecutorService thread;
    private boolean woken;
    private volatile boolean closed;
    private long lastReminderCheck = Long.MIN_VALUE;
    private LocalDate lastReminderDay;

    private Notifications(ServerConfig.Notifications settings, SmtpTransport transport, Store store, AuditLog audit, RegistryService registry,
            Obligations obligations, ReleaseService release, Map<String, String> reportTypeNames, SealedSecrets secrets, Clock clock) {
        this.pollInterval = settings.pollInterval();
        this.clock = clock;
        MailTemplates templates = new MailTemplates(settings.portalUrl());
        String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
        this.sender = new OutboxSender(store, transport, audit, clock, node, settings.maxAttempts(), settings.retryBackoff(),
                settings.smtp().orElseThrow().timeout().multipliedBy(4).plusMinutes(1), secrets);
        this.reminders = new DeadlineReminders(obligations, store, registry, templates, settings.reminderDays(), reportTypeNames, audit,
                this::wake, clock);
        release.listen(new NotificationOutbox(registry, settings.secretariat(), templates, this::wake, clock));
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "notifications");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the notifications: reads the SMTP credentials file now (a bad one stops the start with the reason) and
     * hooks the outbox into {@code release}.
     */
    public static Notifications start(ServerConfig.Notifications settings, Map<String, String> env, Store store, AuditLog audit,
            RegistryService registry, Obligations obligations, ReleaseService release, List<ServerConfig.ReportType> reportTypes,
            SealedSecrets secrets, Clock clock)
            throws HomeException, IOException, GeneralSecurityException {
        ServerConfig.Smtp smtp = settings.smtp().orElseThrow(() -> new IllegalArgumentException("notifications.smtp is not configured"));
        String text = SecretFile.read(env, smtp.credentialsFileEnv(), "the SMTP credentials file",
                "with the SMTP user name on its first line and the password on its second");
        SmtpTransport.Credentials credentials = null;
        if (text != null) {
            String[] lines = text.split("\r?\n", -1);
            if (lines.length != 2 || lines[0].isBlank() || lines[1].isEmpty()) {
                throw new HomeException("the SMTP credentials file named by " + smtp.credentialsFileEnv()
                        + " must hold two lines: the user name, then the password");
            }
            credentials = new SmtpTransport.Credentials(lines[0].strip(), lines[1].toCharArray());
        }
        Map<String, String> names = new LinkedHashMap<>();
        reportTypes.forEach(t -> names.put(t.id(), t.name()));
        Notifications n = new Notifications(settings, new SmtpTransport(smtp, credentials, clock), store, audit, registry, obligations,
                release, names, secrets, clock);
        n.thread.execute(n::run);
        LOG.info("notifications: mail through {}:{} ({}), reminders {} days before a deadline", smtp.host(), smtp.port(),
                smtp.security().name().toLowerCase(java.util.Locale.ROOT), settings.reminderDays());
        return n;
    }

    /** Reads the calendar now and enqueues the reminders due today (also done in the background; for tests and operators). */
    public int checkDeadlinesNow() throws StoreException {
        int noted = reminders.check();
        wake();
        return noted;
    }

    /** Sends what is due now, on the caller's thread (the background thread does the same). */
    public int sendDueNow() throws StoreException {
        return sender.sendDue();
    }

    /** Wakes the sender now (a mail was written in a transaction that committed). */
    public void wake() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            try {
                remindIfTime();
                sender.sendDue();
            } catch (StoreException | RuntimeException e) {
                LOG.warn("notifications: the outbox could not be worked on now: {}; trying again in {} s", e.getMessage(),
                        pollInterval.toSeconds());
            }
            synchronized (signal) {
                long until = System.nanoTime() + pollInterval.toNanos();
                while (!woken && !closed) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(signal, left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                woken = false;
            }
        }
    }

    private void remindIfTime() throws StoreException {
        long now = System.nanoTime();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (lastReminderCheck == Long.MIN_VALUE || now - lastReminderCheck >= REMINDER_INTERVAL.toNanos() || !today.equals(lastReminderDay)) {
            reminders.check();
            lastReminderCheck = now;
            lastReminderDay = today;
        }
    }

    @Override
    public void close() {
        closed = true;
        wake();
        thread.shutdown(); // no interrupt: it could break a database connection in use (Derby closes it)
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("notifications: the sender did not stop within 10 s; interrupting it");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
