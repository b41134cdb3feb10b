package org.treatyexchange.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Callers;
import org.treatyexchange.server.application.DelegatedAdministration;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.portal.PortalLogin;

/**
 * Enrolment invitations by e-mail, through the real server and a real SMTP server over TLS: with notifications
 * configured, the link goes to the invitee's address only once the invitation is in effect (after the secretariat's
 * approval), the administrator is told it was mailed and never sees it (nor does its portal page), and the outbox row holds the token sealed by the
 * master keys before sending and nothing of it after; the mailed link enrols once; the mail is written in the inviting
 * administrator's portal language (English, French or Spanish) or the one chosen on the form.
 */
class InvitationMailTest {

    static final SmtpTestServer SMTP = SmtpTestServer.start();
    static final Pattern LINK = Pattern.compile("https://exchange\\.example\\.org/enrol\\?token=([A-Za-z0-9_-]{43})");

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> {
        try {
            Path dir = Files.createTempDirectory("invitation-mail-registry-");
            return TestExchange.withRegistry(c, TestExchange.copyShippedRegistry(dir.resolve("registry.yaml")))
                    .withNotifications(SMTP.settings(5));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });

    static DelegatedAdministration desk;
    /** Every log line of the server (the application's and the audit logger's) while this class runs. */
    static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();

    @BeforeAll
    static void appoint() throws Exception {
        LOGS.start();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("audit")).addAppender(LOGS);
        desk = exchange.server().delegatedAdministration();
        desk.grantStateAdministrator(Caller.operator(), "arcadia-officer");
    }

    @AfterAll
    static void stopSmtp() {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("audit")).detachAppender(LOGS);
        SMTP.close();
    }

    /** The log lines so far, with their exceptions' messages. */
    static List<String> logLines() {
        List<ILoggingEvent> events;
        synchronized (LOGS) { // the appender appends under its own lock
            events = new ArrayList<>(LOGS.list);
        }
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : events) {
            out.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()));
        }
        return out;
    }

    static Caller arcadia() {
        return Callers.of(exchange.server().registry().current().account("arcadia-officer").orElseThrow(), Caller.Channel.PORTAL,
                "password+totp", "127.0.0.1");
    }

    static Caller secretariatAdmin() {
        return new Caller("secretariat-admin", null, Caller.Role.SECRETARIAT_ADMIN, Caller.Channel.PORTAL, "password+totp", "127.0.0.1");
    }

    /** Every column of the invitation rows to {@code address}, as text, read with plain JDBC (what a copy of the database holds). */
    static List<Map<String, String>> outboxRows(String address) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + exchange.server().home().databaseDir().toAbsolutePath().normalize());
                PreparedStatement ps = c.prepareStatement("SELECT * FROM notification WHERE recipient = ? ORDER BY id")) {
            ps.setString(1, address);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT), rs.getString(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static List<MimeMessage> mailsTo(String address) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : SMTP.received()) {
            if (NotificationMailTest.to(m).contains(address)) {
                out.add(m);
            }
        }
        return out;
    }

    static void assertRefused(Refusal.Reason reason, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.reason()).isEqualTo(reason));
    }

    /** Whether any column, as stored or base64-decoded, holds the token. */
    static boolean holdsToken(Map<String, String> row, String token) {
        for (String v : row.values()) {
            if (v == null) {
                continue;
            }
            if (v.contains(token)) {
                return true;
            }
            try {
                if (new String(Base64.getDecoder().decode(v), StandardCharsets.ISO_8859_1).contains(token)) {
                    return true;
                }
            } catch (IllegalArgumentException notBase64) {
                // not base64: checked as text above
            }
        }
        return false;
    }

    @Test
    void anApprovedInvitationIsMailedSealedUntilSentAndItsLinkEnrolsOnce() throws Exception {
        String address = "clerk@mfa.arcadia.example";
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.invite(arcadia(), "arcadia-mailed", null));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.invite(arcadia(), "arcadia-mailed", "clerk@mfa.arcadia.example\r\nBcc: x@y.example"));
        assertRefused(Refusal.Reason.MALFORMED, () -> desk.invite(arcadia(), "arcadia-mailed", "not an address"));
        assertThat(exchange.server().registry().current().account("arcadia-mailed")).isEmpty();

        DelegatedAdministration.Outcome invited = desk.invite(arcadia(), "arcadia-mailed", " " + address + " ");
        assertThat(invited.change().status()).isEqualTo("pending");
        assertThat(invited.enrolmentToken()).as("the administrator never sees a mailed link").isNull();
        assertThat(invited.mailedTo()).isEqualTo(address);

        // pending approval: held, not sent; the row holds a sealed token and a placeholder
        exchange.server().notifications().orElseThrow().sendDueNow();
        List<Map<String, String>> before = outboxRows(address);
        assertThat(before).hasSize(1);
        assertThat(before.get(0)).containsEntry("status", "held").containsEntry("template", "enrolment-invitation");
        assertThat(before.get(0).get("body")).contains("{enrolment-token}");
        assertThat(before.get(0).get("sealed_secret")).isNotBlank();
        assertThat(before.get(0).get("sealed_key_id")).isNotBlank();
        assertThat(mailsTo(address)).isEmpty();
        assertThat(exchange.admin("notifications", "--status", "held")).as("the secretariat sees it held").contains(address)
                .doesNotContain("{enrolment-token}");

        desk.approve(secretariatAdmin(), invited.change().id());
        exchange.server().notifications().orElseThrow().sendDueNow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> !mailsTo(address).isEmpty());
        List<MimeMessage> mails = mailsTo(address);
        assertThat(mails).hasSize(1);
        String body = new String(NotificationMailTest.everything(mails.get(0)), StandardCharsets.UTF_8);
        Matcher link = LINK.matcher(body);
        assertThat(link.find()).as("the mail holds the enrolment link: %s", body).isTrue();
        String token = link.group(1);

        assertThat(holdsToken(before.get(0), token)).as("the row before sending holds no clear token").isFalse();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> "sent".equals(outboxRows(address).get(0).get("status")));
        Map<String, String> after = outboxRows(address).get(0);
        assertThat(after.get("sealed_secret")).isNull();
        assertThat(after.get("sealed_key_id")).isNull();
        assertThat(holdsToken(after, token)).isFalse();

        assertThat(desk.enrol(token, "a-long-password-1".toCharArray(), "127.0.0.1")).isEqualTo("arcadia-mailed");
        assertThat(exchange.server().registry().current().account("arcadia-mailed").orElseThrow().disabled()).isFalse();
        assertRefused(Refusal.Reason.NOT_FOUND, () -> desk.enrol(token, "another-password-2".toCharArray(), "127.0.0.1"));

        // no log line and no audit event names the token; the sending is audited
        assertThat(logLines()).anyMatch(l -> l.contains("enrolment-invitation")).noneMatch(l -> l.contains(token));
        assertThat(PortalLogin.auditLines(exchange, "notification.sent", address, "enrolment-invitation")).hasSize(1);
        assertThat(PortalLogin.auditLines(exchange, "")).isNotEmpty().noneMatch(l -> l.contains(token));
    }

    @Test
    void aRefusedInvitationIsNeverMailedAndItsSealIsWiped() throws Exception {
        String address = "refused@mfa.arcadia.example";
        DelegatedAdministration.Outcome invited = desk.invite(arcadia(), "arcadia-refused", address);
        assertThat(invited.enrolmentToken()).isNull();
        assertThat(outboxRows(address)).singleElement().satisfies(r -> assertThat(r.get("sealed_secret")).isNotBlank());

        desk.refuse(secretariatAdmin(), invited.change().id(), "not one of ours");
        exchange.server().notifications().orElseThrow().sendDueNow();
        Map<String, String> row = outboxRows(address).get(0);
        assertThat(row).containsEntry("status", "failed");
        assertThat(row.get("sealed_secret")).isNull();
        assertThat(row.get("sealed_key_id")).isNull();
        assertThat(mailsTo(address)).isEmpty();
    }

    @Test
    void theAdministratorsPageSaysWhereTheLinkWentAndNeverShowsIt() throws Exception {
        PortalLogin.Session arcadia = PortalLogin.login(exchange, "arcadia-officer");
        HttpResponse<String> noAddress = arcadia.post("/state/accounts/invite", "account", "arcadia-portal");
        assertThat(noAddress.statusCode()).isEqualTo(400);
        assertThat(noAddress.body()).contains("e-mail address").doesNotContain("token=");

        HttpResponse<String> page = arcadia.post("/state/accounts/invite", "account", "arcadia-portal", "email", "portal@mfa.arcadia.example");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"enrolment-mailed\"").contains("portal@mfa.arcadia.example")
                .doesNotContain("id=\"enrolment-link\"").doesNotContain("token=");
        assertThat(outboxRows("portal@mfa.arcadia.example")).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "held"));
    }

    /** Approves the pending invitation of {@code account} and returns the one mail it sends to {@code address}, once sent. */
    static MimeMessage approvedInvitationMail(String account, String address) throws Exception {
        String change = desk.pending(secretariatAdmin()).stream().filter(c -> c.target().equals(account)).findFirst().orElseThrow().id();
        desk.approve(secretariatAdmin(), change);
        exchange.server().notifications().orElseThrow().sendDueNow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> !mailsTo(address).isEmpty());
        return mailsTo(address).get(0);
    }

    @Test
    void theInvitationIsWrittenInTheAdministratorsPortalLanguageOrTheOneChosenOnTheForm() throws Exception {
        PortalLogin.Session arcadia = PortalLogin.login(exchange, "arcadia-officer");
        // the form offers the portal's languages, the page's own selected
        String french = arcadia.get("/state/accounts?lang=fr").body();
        assertThat(french).contains("id=\"invite-language\"").containsPattern("<option value=\"fr\" selected[^>]*>Français");
        assertThat(arcadia.post("/state/accounts/invite?lang=fr", "account", "arcadia-francais", "email", "fr@mfa.arcadia.example")
                .statusCode()).isEqualTo(200);
        assertThat(arcadia.post("/state/accounts/invite", "account", "arcadia-espanol", "email", "es@mfa.arcadia.example", "language",
                "es").statusCode()).isEqualTo(200);
        assertThat(arcadia.post("/state/accounts/invite", "account", "arcadia-english", "email", "en@mfa.arcadia.example", "language",
                "de\r\nBcc: x@y.example").statusCode()).isEqualTo(200); // not one of ours: the page's (English)

        MimeMessage fr = approvedInvitationMail("arcadia-francais", "fr@mfa.arcadia.example");
        String frBody = new String(NotificationMailTest.everything(fr), StandardCharsets.UTF_8);
        assertThat(fr.getSubject()).isEqualTo("Treaty Exchange : votre invitation (arcadia-francais)");
        assertThat(frBody).contains("Vous êtes invité(e) sur le Treaty Exchange comme agent de ARC").doesNotContain("You are invited");
        assertThat(LINK.matcher(frBody).find()).as("the French mail holds the link: %s", frBody).isTrue();

        MimeMessage es = approvedInvitationMail("arcadia-espanol", "es@mfa.arcadia.example");
        String esBody = new String(NotificationMailTest.everything(es), StandardCharsets.UTF_8);
        assertThat(es.getSubject()).isEqualTo("Treaty Exchange: su invitación (arcadia-espanol)");
        assertThat(esBody).contains("Se le invita al Treaty Exchange como funcionario/a de ARC").doesNotContain("You are invited");
        assertThat(LINK.matcher(esBody).find()).as("the Spanish mail holds the link: %s", esBody).isTrue();

        MimeMessage en = approvedInvitationMail("arcadia-english", "en@mfa.arcadia.example");
        assertThat(en.getSubject()).isEqualTo("Treaty Exchange: your invitation (arcadia-english)");
        assertThat(new String(NotificationMailTest.everything(en), StandardCharsets.UTF_8)).contains("You are invited").doesNotContain("Bcc");
        assertThat(en.getAllRecipients()).hasSize(1);
    }

    @Test
    void anUndoneInvitationLeavesNoSealBehind() throws Exception {
        String address = "undone@mfa.arcadia.example";
        DelegatedAdministration.Outcome invited = desk.invite(arcadia(), "arcadia-undone", address);
        desk.approve(secretariatAdmin(), invited.change().id());
        desk.undo(secretariatAdmin(), invited.change().id()); // the mail may have gone meanwhile, or is dropped unsent
        exchange.server().notifications().orElseThrow().sendDueNow();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("sent", "failed").contains(outboxRows(address).get(0).get("status")));
        Map<String, String> row = outboxRows(address).get(0);
        assertThat(row.get("sealed_secret")).isNull();
        assertThat(row.get("sealed_key_id")).isNull();
        if (row.get("status").equals("failed")) {
            assertThat(row.get("last_error")).isEqualTo("the invitation was cancelled");
            assertThat(mailsTo(address)).isEmpty();
        }
    }
}
