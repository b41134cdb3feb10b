package org.treatyexchange.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.portal.PortalLogin;

/**
 * The e-mails a filing's life sends, through the real server (filings over SFTP, decisions with the admin CLI) to a
 * real SMTP server over TLS: to the State's points of contact (receipt attached) and the secretariat, never a document
 * byte; released and held; the SMTP server down and back; a mail that fails for good, listed for the secretariat.
 */
class NotificationMailTest {

    static final SmtpTestServer SMTP = SmtpTestServer.start();

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> {
        try {
            return c.withNotifications(SMTP.settings(5));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    });

    @AfterAll
    static void stopSmtp() {
        SMTP.close();
    }

    /** Files a document over SFTP; returns its filing id. */
    static String file(String account, String path, byte[] content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content);
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    static byte[] read(String account, String path) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); InputStream in = sftp.read(path)) {
            return in.readAllBytes();
        }
    }

    /** The messages received so far to {@code address} whose subject holds {@code filingId} and {@code word}. */
    static List<MimeMessage> mails(String address, String filingId, String word) throws MessagingException {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : SMTP.received()) {
            if (to(m).contains(address) && m.getSubject().contains(filingId) && m.getSubject().contains(word)) {
                out.add(m);
            }
        }
        return out;
    }

    static MimeMessage awaitOne(String address, String filingId, String word) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> !mails(address, filingId, word).isEmpty());
        try {
            return mails(address, filingId, word).get(0);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> to(MimeMessage m) throws MessagingException {
        Address[] all = m.getAllRecipients();
        return all == null ? List.of() : Arrays.stream(all).map(Address::toString).toList();
    }

    /** The message as sent (MIME, encoded) and every part decoded, one after the other. */
    static byte[] everything(MimeMessage m) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        decoded(m, out);
        return out.toByteArray();
    }

    private static void decoded(Part part, ByteArrayOutputStream out) throws IOException, MessagingException {
        Object content = part.getContent();
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                decoded(mp.getBodyPart(i), out);
            }
        } else {
            try (InputStream in = part.getInputStream()) {
                in.transferTo(out);
            }
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static byte[] attachment(MimeMessage m, String fileName) throws IOException, MessagingException {
        Multipart mp = (Multipart) m.getContent();
        for (int i = 0; i < mp.getCount(); i++) {
            BodyPart p = mp.getBodyPart(i);
            if (fileName.equals(p.getFileName())) {
                try (InputStream in = p.getInputStream()) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError("no attachment " + fileName);
    }

    @Test
    void aFilingReceivedMailsItsPointsOfContactWithTheReceiptAndTellsTheSecretariatWithoutADocumentByte() throws Exception {
        String name = "annual-" + UUID.randomUUID() + ".pdf";
        byte[] document = ("CONFIDENTIAL-EXPORT-FIGURES-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String id = file("arcadia-officer", "/submit/annual-report/states-parties/" + name, document);

        MimeMessage toState = awaitOne(SmtpTestServer.ARC, id, "received");
        MimeMessage toSecretariat = awaitOne(SmtpTestServer.SECRETARIAT, id, "New filing");
        // the State's mail carries the signed receipt, exactly as SFTP /receipts/ serves it
        assertThat(attachment(toState, id + ".p7s")).isEqualTo(read("arcadia-officer", "/receipts/" + id + ".p7s"));
        String body = new String(everything(toState), StandardCharsets.UTF_8);
        assertThat(body).contains("Filing id:      " + id).contains(name).contains("https://exchange.example.org/state/filings/" + id);
        assertThat(new String(everything(toSecretariat), StandardCharsets.UTF_8)).contains(id).contains("ARC")
                .contains("https://exchange.example.org/secretariat/filings/" + id);
        // neither mail holds the document, encoded or decoded
        for (MimeMessage m : List.of(toState, toSecretariat)) {
            assertThat(contains(everything(m), document)).as("a document byte in the mail to %s", to(m)).isFalse();
            assertThat(contains(everything(m), java.util.Base64.getEncoder().encode(document))).isFalse();
        }
        // no other State hears of it
        assertThat(mails(SmtpTestServer.BOR, id, "")).isEmpty();
        assertThat(mails(SmtpTestServer.SYL, id, "")).isEmpty();
        assertThat(exchange.admin("notifications", "--status", "sent")).contains(id);
    }

    @Test
    void theTitleTheStateChoseIsInItsOwnMailAndTheSecretariatsOnly() throws Exception {
        String name = "titled-" + UUID.randomUUID() + ".pdf";
        String title = "Arcadia annual report, exports " + UUID.randomUUID();
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s);
                OutputStream out = sftp.write("/submit/annual-report/states-parties/" + name + ".manifest.json")) {
            out.write(("{\"version\":1,\"reportType\":\"annual-report\",\"title\":\"" + title + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        String id = file("arcadia-officer", "/submit/annual-report/states-parties/" + name, "titled".getBytes(StandardCharsets.UTF_8));
        for (String address : List.of(SmtpTestServer.ARC, SmtpTestServer.SECRETARIAT)) {
            MimeMessage m = awaitOne(address, id, address.equals(SmtpTestServer.ARC) ? "received" : "New filing");
            assertThat(new String(everything(m), StandardCharsets.UTF_8)).as(address).contains("Title:          " + title).contains(name);
        }
        assertThat(mails(SmtpTestServer.BOR, id, "")).isEmpty();
        // the admin CLI's queue names it too
        assertThat(exchange.admin("pending").lines().filter(l -> l.startsWith(id))).singleElement().asString()
                .endsWith(name + "  \"" + title + "\"");
    }

    @Test
    void releaseAndHoldMailTheFilingStateWithoutTheSecretariatsReason() throws Exception {
        String released = file("arcadia-officer", "/submit/initial-report/secretariat/initial-" + UUID.randomUUID() + ".pdf",
                "an initial report".getBytes(StandardCharsets.UTF_8));
        String held = file("arcadia-officer", "/submit/correspondence/secretariat/letter-" + UUID.randomUUID() + ".pdf",
                "a letter".getBytes(StandardCharsets.UTF_8));
        assertThat(exchange.admin("release", released)).startsWith("0\n");
        String reason = "quotes annex B figures " + UUID.randomUUID();
        assertThat(exchange.admin("hold", held, "--reason", reason)).startsWith("0\n");

        MimeMessage releasedMail = awaitOne(SmtpTestServer.ARC, released, "released");
        MimeMessage heldMail = awaitOne(SmtpTestServer.ARC, held, "held");
        assertThat(new String(everything(releasedMail), StandardCharsets.UTF_8)).contains(released);
        String heldText = new String(everything(heldMail), StandardCharsets.UTF_8);
        assertThat(heldText).contains(held).contains("The reason is shown").doesNotContain(reason);
        // a decision is the filing State's business: no other State, no mail to the secretariat about it
        assertThat(mails(SmtpTestServer.BOR, released, "")).isEmpty();
        assertThat(mails(SmtpTestServer.SECRETARIAT, held, "held")).isEmpty();
    }

    @Test
    void whenTheSmtpServerIsDownTheMailWaitsAndIsRetriedAndArrivesOnceWhenItIsBack() throws Exception {
        SMTP.down();
        String id;
        try {
            id = file("sylvania-officer", "/submit/annual-report/states-parties/down-" + UUID.randomUUID() + ".pdf",
                    "filed while the mail server is down".getBytes(StandardCharsets.UTF_8));
            // acknowledged (filed) although no mail could go: the mail waits in the outbox with the failed try noted
            await().atMost(Duration.ofSeconds(20)).until(() -> exchange.admin("notifications", "--status", "queued", "--json")
                    .lines().anyMatch(l -> l.contains("\"filingId\" : \"" + id + "\"")) && exchange.admin("notifications", "--status",
                    "queued").lines().anyMatch(l -> l.contains(id) && l.contains("could not be reached")));
        } finally {
            SMTP.up();
        }
        awaitOne(SmtpTestServer.SYL, id, "received");
        awaitOne(SmtpTestServer.SECRETARIAT, id, "New filing");
        Thread.sleep(3000); // a second copy would come within the poll interval (1 s)
        assertThat(mails(SmtpTestServer.SYL, id, "received")).hasSize(1);
        assertThat(mails(SmtpTestServer.SECRETARIAT, id, "New filing")).hasSize(1);
        String sent = exchange.admin("notifications", "--status", "sent");
        assertThat(sent.lines().filter(l -> l.contains(id))).hasSize(2).allMatch(l -> !l.contains("tries=1 "));
    }

    @Test
    void aMailThatFailsForGoodIsMarkedFailedAndListedForTheSecretariat() throws Exception {
        SMTP.down();
        try {
            String id = file("borealia-officer", "/submit/correspondence/secretariat/never-" + UUID.randomUUID() + ".pdf",
                    "nobody will hear of this by mail".getBytes(StandardCharsets.UTF_8));
            // 5 tries, 1, 2, 4 and 8 s apart (room for the down-and-back test to bring the server back in time)
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> exchange.admin("notifications").lines().filter(l -> l.contains(id)).count() == 2);
            String failed = exchange.admin("notifications");
            assertThat(failed).startsWith("0\n");
            assertThat(failed.lines().filter(l -> l.contains(id))).anyMatch(l -> l.contains("filing-received ") && l.contains(SmtpTestServer.BOR)
                    && l.contains("tries=5") && l.contains("could not be reached"))
                    .anyMatch(l -> l.contains("filing-received-secretariat") && l.contains(SmtpTestServer.SECRETARIAT));
            assertThat(exchange.admin("notifications", "--status", "queued")).doesNotContain(id);
            // the console lists it too, for the secretariat only
            java.net.http.HttpResponse<String> page = PortalLogin.login(exchange, "secretariat").get("/secretariat/notifications");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id=\"notifications\"").contains("data-status=\"failed\"").contains(id)
                    .contains(SmtpTestServer.BOR);
            java.net.http.HttpResponse<String> asState = PortalLogin.login(exchange, "borealia-officer").get("/secretariat/notifications");
            assertThat(asState.statusCode()).isEqualTo(404);
            assertThat(asState.body()).doesNotContain(id);
        } finally {
            SMTP.up();
        }
    }

    @Test
    void theListingRefusesAnUnknownStatus() {
        assertThat(exchange.admin("notifications", "--status", "lost")).startsWith("2\n").contains("queued, sending, sent, failed");
    }
}
