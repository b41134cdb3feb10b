package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * Five typical refusals as a person using the stock OpenSSH {@code sftp} meets them: the line the client
 * prints (its own words for the status: it never shows the server's text), then the notice in
 * {@code /receipts/refused/} that tells the reason and what to do. On Derby and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class StockSftpRefusalsTest {

    static final long MAX_FILE = 200_000;
    static final long QUOTA = 300_000;

    @Parameter
    TestDatabase.Kind databaseKind;

    @TempDir
    static Path root;
    static Path tmp;
    static TestDatabase database;
    static TestExchange exchange;

    @BeforeParameterizedClassInvocation
    static void start(TestDatabase.Kind kind) throws Exception {
        tmp = Files.createDirectories(root.resolve(kind.name().toLowerCase(Locale.ROOT)));
        database = TestDatabase.create(kind);
        exchange = TestExchange.start(tmp.resolve("home"), database,
                c -> c.withLimits(new ServerConfig.Limits(MAX_FILE, QUOTA, 64, 8, 255)));
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        try {
            exchange.close();
        } finally {
            database.close();
        }
    }

    /** Runs the stock sftp client in batch mode (it stops at the first failing command). */
    static Processes.Result sftp(String account, String... commands) throws Exception {
        Path batch = Files.createTempFile(tmp, "batch", ".txt");
        Files.write(batch, List.of(commands));
        List<String> cmd = new ArrayList<>(List.of("sftp", "-b", batch.toString(), "-i", exchange.demoKey(account).toString(),
                "-P", Integer.toString(exchange.port()), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", account + "@127.0.0.1"));
        return Processes.run(tmp, cmd);
    }

    static Path file(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new SecureRandom().nextBytes(bytes);
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    /**
     * Puts {@code local} at {@code remote} with the stock client, expects it refused, and returns what the
     * client printed; then reads, with the same client, the one new notice whose name ends in
     * {@code noticeSuffix}.
     */
    static Refused refusedPut(String account, Path local, String remote, String noticeSuffix) throws Exception {
        List<String> before = notices(account);
        Processes.Result put = sftp(account, "put " + local + " \"" + remote + "\"");
        assertThat(put.exitCode()).as(put.output()).isNotZero();
        List<String> after = new ArrayList<>(notices(account));
        after.removeAll(before);
        assertThat(after).as("one new notice for " + remote).hasSize(1);
        String name = after.get(0);
        assertThat(name).matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}-.*\\.txt").endsWith(noticeSuffix);
        Path fetched = tmp.resolve("notice-" + name);
        Processes.Result get = sftp(account, "get /receipts/refused/" + name + " " + fetched);
        assertThat(get.exitCode()).as(get.output()).isZero();
        return new Refused(put.output(), Files.readString(fetched, StandardCharsets.UTF_8));
    }

    /** The notice names {@code ls -1 /receipts/refused} shows. */
    static List<String> notices(String account) throws Exception {
        Processes.Result ls = sftp(account, "ls -1 /receipts/refused");
        assertThat(ls.exitCode()).as(ls.output()).isZero();
        return ls.output().lines().map(String::strip).filter(l -> l.endsWith(".txt")).map(l -> l.substring(l.lastIndexOf('/') + 1))
                .toList();
    }

    record Refused(String printed, String notice) {
    }

    @Test
    void aNameTooLongIsFailureForTheClientAndInvalidNameInTheNotice() throws Exception {
        String name = "a".repeat(300) + ".pdf";
        Refused r = refusedPut("arcadia-officer", file("long.pdf", 100), "/submit/annual-report/public/" + name, "aaaa.txt");
        assertThat(r.printed()).containsPattern("dest open \"/submit/annual-report/public/a+[^\"]*: Failure");
        assertThat(r.notice()).contains("What:        /submit/annual-report/public/" + name + "\n")
                .contains("Account:     arcadia-officer (sftp)")
                .contains("Reason code: invalid-name")
                .contains("Why:         the file name is longer than 255 bytes")
                .contains("What to do:  rename the file");
    }

    @Test
    void aNationalReportWithoutItsPeriodIsInvalidPeriodInTheNotice() throws Exception {
        Refused r = refusedPut("arcadia-officer", file("poa-2025.pdf", 100), "/submit/national-report/secretariat/poa-2025.pdf",
                "-poa-2025.pdf.txt");
        assertThat(r.printed()).contains("dest open \"/submit/national-report/secretariat/poa-2025.pdf\": Failure");
        assertThat(r.notice()).contains("What:        /submit/national-report/secretariat/poa-2025.pdf\n")
                .contains("Reason code: invalid-period")
                .contains("Why:         a national report needs a period: one year or two consecutive years")
                .contains("What to do:  write a manifest (<document name>.manifest.json) that gives the reporting period");
    }

    @Test
    void aNamedReportWithoutItsListIsInvalidRoutingInTheNotice() throws Exception {
        Refused r = refusedPut("arcadia-officer", file("named.pdf", 100), "/submit/annual-report/named/named.pdf", "-named.pdf.txt");
        assertThat(r.printed()).contains("dest open \"/submit/annual-report/named/named.pdf\": Failure");
        assertThat(r.notice()).contains("What:        /submit/annual-report/named/named.pdf\n")
                .contains("Reason code: invalid-routing")
                .contains("Why:         the filing says named but names no States")
                .contains("naming the States Parties that may read the report");
    }

    @Test
    void aManifestThatIsNotJsonIsMalformedInTheNotice() throws Exception {
        Path bad = tmp.resolve("bad.manifest.json");
        Files.writeString(bad, "{ this is not json");
        Refused r = refusedPut("arcadia-officer", bad, "/submit/annual-report/public/r.pdf.manifest.json", "-r.pdf.manifest.json.txt");
        // a manifest is checked when written: its close fails, not the document's later upload
        assertThat(r.printed()).contains("close remote: Failure");
        assertThat(r.notice()).contains("What:        /submit/annual-report/public/r.pdf.manifest.json\n")
                .contains("Reason code: malformed")
                .contains("Why:         manifest refused: manifest is not valid JSON")
                .contains("What to do:  correct the manifest")
                .doesNotContain("this is not json"); // never the content
    }

    @Test
    void anUploadPastTheQuotaIsQuotaExceededInTheNotice() throws Exception {
        Processes.Result first = sftp("borealia-officer", "put " + file("first.pdf", 190_000) + " /submit/annual-report/public/first.pdf");
        assertThat(first.exitCode()).as(first.output()).isZero();
        Refused r = refusedPut("borealia-officer", file("second.pdf", 190_000), "/submit/annual-report/public/second.pdf",
                "-second.pdf.txt");
        assertThat(r.printed()).contains("write remote \"/submit/annual-report/public/second.pdf\": Failure");
        assertThat(r.notice()).contains("What:        /submit/annual-report/public/second.pdf\n")
                .contains("Account:     borealia-officer (sftp)")
                .contains("Reason code: quota-exceeded")
                .contains("Why:         the account's storage quota would be exceeded")
                .containsPattern("Received:    \\d+ bytes; nothing of the upload was kept and nothing was filed")
                .contains("ask the secretariat to raise the quota");
        assertThat(r.notice().length()).as("a short text, never the document").isLessThan(2_000);
        // another State sees none of borealia's notices
        assertThat(notices("arcadia-officer")).noneMatch(n -> n.endsWith("-second.pdf.txt"));
    }
}
