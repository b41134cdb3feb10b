package org.treatyexchange.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.MovableClock;
import org.treatyexchange.server.TestExchange;

/**
 * Deadline reminders on the server's clock, moved as the test goes: 30 days before the annual report is due (31 May)
 * and before Borealia's initial report is due (a year after its entry into force, set in the registry to fall on the
 * same day), 7 days before, and on the day after (overdue) — each once, across checks and a restart, and only to a
 * State Party that has not filed (a nil report counts, as in the public table).
 */
class DeadlineRemindersTest {

    static final SmtpTestServer SMTP = SmtpTestServer.start();

    /** 1 May of a year whose 31 May lies in the past (the server's clock goes no further than a few days after it). */
    static final LocalDate START = startDay();
    static final int YEAR = START.getYear();
    static final MovableClock CLOCK = new MovableClock();

    static {
        CLOCK.advance(Duration.between(Instant.now(), START.atTime(12, 0).toInstant(ZoneOffset.UTC)));
    }

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> {
        try {
            return TestExchange.withRegistry(c.withNotifications(SMTP.settings(10)), registry());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }).withClock(CLOCK);

    static LocalDate startDay() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        int year = today.isAfter(LocalDate.of(today.getYear(), 6, 10)) ? today.getYear() : today.getYear() - 1;
        return LocalDate.of(year, 5, 1);
    }

    /** The demo registry with Borealia's entry into force a year before this year's 31 May. */
    static Path registry() throws IOException {
        Path file = Files.createTempDirectory("reminders-registry-").resolve("registry.yaml");
        TestExchange.copyShippedRegistry(file);
        String text = Files.readString(file);
        assertThat(text).contains("entryIntoForce: 2015-06-01");
        Files.writeString(file, text.replace("entryIntoForce: 2015-06-01", "entryIntoForce: " + (YEAR - 1) + "-05-31"));
        return file;
    }

    @AfterAll
    static void stopSmtp() {
        SMTP.close();
    }

    static void put(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Mails received to {@code address} whose subject starts with {@code start} (after the prefix) and holds {@code text}. */
    static long count(String address, String start, String text) throws MessagingException {
        long n = 0;
        for (MimeMessage m : SMTP.received()) {
            if (NotificationMailTest.to(m).contains(address) && m.getSubject().startsWith("[Treaty Exchange] " + start)
                    && m.getSubject().contains(text)) {
                n++;
            }
        }
        return n;
    }

    static int check() throws Exception {
        return exchange.server().notifications().orElseThrow().checkDeadlinesNow();
    }

    static void awaitCount(String address, String start, String text, long expected) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> count(address, start, text) >= expected);
    }

    @Test
    void remindersComeThirtyAndSevenDaysBeforeAndOnTheDayAfterOnceEachAndOnlyToStatesThatHaveNotFiled() throws Exception {
        String annual = "Annual report on exports and imports for " + (YEAR - 1) + " due on " + YEAR + "-05-31";
        String initial = "Initial report due on " + YEAR + "-05-31 (BOR)";

        // 1 May: 30 days before; no State Party has filed its annual report yet, Borealia not its initial report
        check();
        awaitCount(SmtpTestServer.BOR, "Reminder: ", annual, 1);
        awaitCount(SmtpTestServer.BOR, "Reminder: ", initial, 1);
        awaitCount(SmtpTestServer.ARC, "Reminder: ", annual, 1);
        awaitCount(SmtpTestServer.SYL, "Reminder: ", annual, 1);
        MimeMessage first = SMTP.received().stream().filter(m -> {
            try {
                return m.getSubject().contains(initial);
            } catch (MessagingException e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertThat((String) first.getContent()).contains("in 30 days");
        // once: another check and a restart (whose sender checks at once) send nothing more
        assertThat(check()).isZero();
        exchange.restart();
        assertThat(check()).isZero();
        Thread.sleep(2500);
        assertThat(count(SmtpTestServer.BOR, "Reminder: ", "")).isEqualTo(2);
        assertThat(count(SmtpTestServer.ARC, "Reminder: ", "")).isEqualTo(1);
        assertThat(count(SmtpTestServer.SYL, "Reminder: ", "")).isEqualTo(1);

        // Arcadia files its annual report, Sylvania a nil report: both meet the obligation
        put("arcadia-officer", "/submit/annual-report/states-parties/annual.pdf", "ARC annual");
        put("sylvania-officer", "/submit/nil-annual-report/public/nil.pdf", "SYL nil");

        // 25 May: 6 days before; the 7-day reminder, to Borealia only
        CLOCK.advance(Duration.ofDays(24));
        check(); // the background sender may get there first (it reads the calendar when the date changes): counted below
        awaitCount(SmtpTestServer.BOR, "Reminder: ", annual, 2);
        awaitCount(SmtpTestServer.BOR, "Reminder: ", initial, 2);
        assertThat(check()).isZero();

        // 1 June: the day after the deadline, overdue, once
        CLOCK.advance(Duration.ofDays(7));
        check();
        awaitCount(SmtpTestServer.BOR, "Overdue: ", "Annual report on exports and imports for " + (YEAR - 1) + " was due on " + YEAR
                + "-05-31", 1);
        awaitCount(SmtpTestServer.BOR, "Overdue: ", "Initial report was due on " + YEAR + "-05-31 (BOR)", 1);
        assertThat(check()).isZero();
        Thread.sleep(2500);
        assertThat(count(SmtpTestServer.BOR, "Reminder: ", "")).isEqualTo(4);
        assertThat(count(SmtpTestServer.BOR, "Overdue: ", "")).isEqualTo(2);
        for (String other : List.of(SmtpTestServer.ARC, SmtpTestServer.SYL)) {
            assertThat(count(other, "Reminder: ", "")).as(other).isEqualTo(1);
            assertThat(count(other, "Overdue: ", "")).as(other).isZero();
        }
        // the same numbers as the public table: Borealia missing, the other two on time
        String table = exchange.admin("status", "--year", Integer.toString(YEAR - 1));
        assertThat(table.lines().filter(l -> l.startsWith("BOR")).findFirst().orElseThrow()).contains("missing");
        assertThat(table.lines().filter(l -> l.startsWith("ARC")).findFirst().orElseThrow()).contains("on time");
        assertThat(table.lines().filter(l -> l.startsWith("SYL")).findFirst().orElseThrow()).contains("on time");
        // each listed for the secretariat
        assertThat(exchange.admin("notifications", "--status", "sent", "--limit", "1000").lines()
                .filter(l -> l.contains("deadline-overdue") && l.contains(SmtpTestServer.BOR))).hasSize(2);
    }
}
