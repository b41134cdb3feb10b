package org.treatyexchange.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Year;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;
import picocli.CommandLine;

/**
 * What a new operator hits first with {@code scripts/admin}: every sub-command explains itself with
 * {@code --help}; the listings have {@code --json}; a filter value that cannot match anything is an error
 * (exit 2), not an empty list; and the reporting status does not call a State "missing" before its
 * deadline.
 */
class AdminCliUsabilityTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    static final ObjectMapper JSON = new ObjectMapper();

    /** The exit code and what the CLI printed on stdout and stderr together. */
    static String admin(String... args) {
        return exchange.admin(args);
    }

    static JsonNode json(String answer) throws Exception {
        assertThat(answer).startsWith("0\n");
        return JSON.readTree(answer.substring(2));
    }

    static String file(String account, String path) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(("content of " + path).getBytes(StandardCharsets.UTF_8));
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    @Test
    void everySubcommandAnswersHelpWithExitZero() {
        CommandLine cli = new CommandLine(new AdminCli());
        List<String> names = new ArrayList<>(cli.getSubcommands().keySet());
        assertThat(names).contains("filings", "pending", "release", "hold", "status", "contacts", "backup", "restore", "hash-password");
        for (String name : names) {
            StringWriter out = new StringWriter();
            int code = AdminCli.run(new String[] {name, "--help"}, new PrintWriter(out, true), new PrintWriter(out, true));
            assertThat(code).as("admin %s --help: %s", name, out).isZero();
            assertThat(out.toString()).as(name).contains("Usage: admin " + name).doesNotContain("Unknown option");
        }
    }

    @Test
    void listingsHaveJsonAndPendingShowsWhyAFilingIsHeld() throws Exception {
        String held = file("arcadia-officer", "/submit/correspondence/secretariat/usability-held.txt");
        assertThat(admin("hold", held, "--reason", "awaiting the State's annex")).startsWith("0\n");

        JsonNode filings = json(admin("filings", "--json"));
        assertThat(filings.path("filings").findValuesAsText("id")).contains(held);

        JsonNode pending = json(admin("pending", "--json"));
        JsonNode item = null;
        for (JsonNode f : pending.path("filings")) {
            if (f.path("id").asText().equals(held)) {
                item = f;
            }
        }
        assertThat(item).as(pending.toString()).isNotNull();
        assertThat(item.path("status").asText()).isEqualTo("held");
        assertThat(item.path("holdReason").asText()).isEqualTo("awaiting the State's annex");
        assertThat(admin("pending")).contains(held).contains("(held: awaiting the State's annex)");

        JsonNode contacts = json(admin("contacts", "--json"));
        assertThat(contacts.toString()).contains("ARC");
    }

    @Test
    void aFilterValueThatCannotMatchIsAnErrorNotAnEmptyList() {
        assertThat(admin("filings", "--status", "bogus")).startsWith("2\n").contains("unknown status 'bogus'")
                .contains("pending, held, released, withdrawn");
        assertThat(admin("filings", "--state", "XYZ")).startsWith("2\n").contains("no State 'XYZ' in the registry");
        assertThat(admin("filings", "--level", "everyone")).startsWith("2\n").contains("unknown level 'everyone'");
        assertThat(admin("filings", "--report-type", "annual-reprot")).startsWith("2\n").contains("unknown report type 'annual-reprot'");
        // a value that can match, but does not yet, is still an empty answer
        assertThat(admin("filings", "--state", "SYL", "--status", "withdrawn")).isEqualTo("0\n");
    }

    @Test
    void theReportingStatusSaysNotYetDueBeforeTheDeadlineAndMissingAfter() {
        // the annual report for this year is due on 31 May next year: nobody is missing it yet
        String thisYear = admin("status", "--year", Integer.toString(Year.now().getValue()));
        assertThat(thisYear).startsWith("0\n").contains("not yet due").doesNotContain("missing  ").contains("0 missing, 3 not yet due");
        String json = admin("status", "--year", Integer.toString(Year.now().getValue()), "--format", "json");
        assertThat(json).contains("\"outcome\":\"not-yet-due\"").contains("\"notYetDue\":3");
        // two years back, the deadline has passed
        String past = admin("status", "--year", Integer.toString(Year.now().getValue() - 2));
        assertThat(past).contains("3 missing").doesNotContain("not yet due");
    }
}
