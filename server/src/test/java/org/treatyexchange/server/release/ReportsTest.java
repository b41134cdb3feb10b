package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.MovableClock;
import org.treatyexchange.server.TestExchange;

/** The reporting-status table and the points-of-contact list, through the real server. */
class ReportsTest {

    @TempDir
    static Path tmp;

    /**
     * The server's clock, in the second half of a year: last year's annual report (due 31 May) is then late
     * when filed now, and a State without one is missing, whatever the date the suite runs on. Moved back,
     * never forward, so that the certificates the server issues are already valid for the clients.
     */
    static final MovableClock CLOCK = new MovableClock();

    static {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        if (today.getMonthValue() <= 6) {
            CLOCK.advance(Duration.ofDays(-today.getDayOfYear()));
        }
    }

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass().withClock(CLOCK);

    /** The year before the server's. */
    static int lastYear() {
        return java.time.LocalDate.ofInstant(CLOCK.instant(), java.time.ZoneOffset.UTC).getYear() - 1;
    }

    static void put(String account, String path, String content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theStatusTableShowsWhoFiledAndWhoIsMissing() throws Exception {
        int year = lastYear();
        put("arcadia-officer", "/submit/annual-report/states-parties/annual.pdf", "ARC annual");
        put("sylvania-officer", "/submit/nil-annual-report/public/nil.pdf", "SYL nil");
        String table = exchange.admin("status", "--year", Integer.toString(year));
        assertThat(table).startsWith("0\n");
        assertThat(table.lines().filter(l -> l.startsWith("ARC")).findFirst().orElseThrow()).contains("late");
        assertThat(table.lines().filter(l -> l.startsWith("SYL")).findFirst().orElseThrow()).contains("late");
        assertThat(table.lines().filter(l -> l.startsWith("BOR")).findFirst().orElseThrow()).contains("missing");
        assertThat(table).doesNotContain("CAL").contains("3 States Parties: 0 on time, 2 late, 1 missing");
        String csv = exchange.admin("status", "--year", Integer.toString(year), "--format", "csv");
        assertThat(csv).contains("state,name,outcome,filedAt,nil,public").contains("BOR,").contains("missing");
        assertThat(exchange.admin("status", "--year", Integer.toString(year), "--format", "json")).contains("\"missing\":1");
        // an earlier year has no filings at all
        assertThat(exchange.admin("status", "--year", Integer.toString(year - 1))).contains("0 on time, 0 late, 3 missing");
    }

    @Test
    void pointsOfContactReachStatesPartiesOnlyAndFollowTheStatesFilings() throws Exception {
        assertThat(exchange.admin("contacts")).contains("Dr. Helena Marsh").contains("Restricted to States Parties");
        put("sylvania-system", "/submit/points-of-contact/secretariat/points-of-contact.json",
                "{\"version\":1,\"state\":\"SYL\",\"asOf\":\"2026-11-01\",\"contacts\":[{\"name\":\"Mr. Piotr Nowak\","
                        + "\"email\":\"poc@mfa.sylvania.example\",\"phone\":\"+999 40 555 0199\"}]}");
        String list = exchange.admin("contacts");
        assertThat(list).contains("Mr. Piotr Nowak").doesNotContain("Ms. Ilona Varga");

        try (ClientSession s = exchange.login("borealia-officer"); SftpClient sftp = exchange.sftp(s)) {
            try (InputStream in = sftp.read("/distributed/points-of-contact.txt")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("Mr. Piotr Nowak").contains("Dr. Helena Marsh");
            }
        }
        try (ClientSession s = exchange.login("calvera-officer"); SftpClient sftp = exchange.sftp(s)) {
            List<String> names = new ArrayList<>();
            sftp.readDir("/distributed").forEach(e -> names.add(e.getFilename()));
            sftp.readDir("/public").forEach(e -> names.add(e.getFilename()));
            assertThat(names).doesNotContain("points-of-contact.txt");
            assertThatThrownBy(() -> sftp.stat("/distributed/points-of-contact.txt")).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aPointsOfContactFilingThatIsNotAValidListOfTheStatesOwnContactsIsRefusedAndLeavesNothing() throws Exception {
        String filingsBefore = exchange.admin("filings", "--state", "BOR", "--report-type", "points-of-contact");
        String contactsBefore = withoutGenerated(exchange.admin("contacts"));
        List<String[]> bad = List.of(
                new String[] {"not json at all", "not valid JSON"},
                new String[] {"{\"version\":1,\"state\":\"BOR\",\"asOf\":\"2026-11-01\",\"contacts\":[]}", "contacts"},
                new String[] {"{\"version\":1,\"state\":\"ARC\",\"asOf\":\"2026-11-01\",\"contacts\":[{\"name\":\"Mallory\","
                        + "\"email\":\"m@evil.example\"}]}", "for ARC, but BOR filed them"},
                new String[] {"{\"version\":1,\"state\":\"BOR\",\"contacts\":[{\"name\":\"" + "x".repeat(70_000) + "\"}]}", "at most 65536 bytes"});
        for (String[] b : bad) {
            assertThatThrownBy(() -> put("borealia-officer", "/submit/points-of-contact/secretariat/points-of-contact.json", b[0]))
                    .isInstanceOf(IOException.class).hasMessageContaining(b[1]);
        }
        // nothing was filed and the list did not change; each refusal is audited
        assertThat(exchange.admin("filings", "--state", "BOR", "--report-type", "points-of-contact")).isEqualTo(filingsBefore);
        assertThat(withoutGenerated(exchange.admin("contacts"))).isEqualTo(contactsBefore).doesNotContain("Mallory");
        Path audit = tmp.resolve("audit-poc.jsonl");
        assertThat(exchange.admin("export-audit", "--out", audit.toString())).startsWith("0\n");
        assertThat(java.nio.file.Files.readString(audit)).contains("invalid-content");
    }

    private static String withoutGenerated(String contactList) {
        return contactList.replaceAll("(?m)^Generated: .*$", "");
    }

    static org.treatyexchange.server.Processes.Result curl(String account, Path out, String path) throws Exception {
        return exchange.curl(account, out, exchange.apiUrl(path));
    }

    @Test
    void contactsAndStatusOverHttpsFollowTheSameRules() throws Exception {
        Path out = tmp.resolve("out.txt");
        assertThat(curl("borealia-system", out, "/contacts").output()).isEqualTo("200");
        assertThat(java.nio.file.Files.readString(out)).contains("Dr. Helena Marsh").contains("Restricted to States Parties");
        assertThat(curl("calvera-system", out, "/contacts").output()).isEqualTo("403");
        int year = lastYear();
        assertThat(curl("secretariat", out, "/secretariat/status?year=" + year + "&format=csv").output()).isEqualTo("200");
        assertThat(java.nio.file.Files.readString(out)).startsWith("state,name,outcome,filedAt,nil,public");
        assertThat(curl("secretariat", out, "/secretariat/status?year=" + year).output()).isEqualTo("200");
        assertThat(java.nio.file.Files.readString(out)).contains("\"statesParties\":3");
        assertThat(curl("arcadia-system", out, "/secretariat/status?year=" + year).output()).isEqualTo("403");
        assertThat(curl("secretariat", out, "/secretariat/status?year=twenty").output()).isEqualTo("400");
    }
}
