package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Year;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;

/** SFTP manifests: written before their document, they add period, named States and the withheld flag; doubt routes to review. */
class ManifestTest {


    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    static void put(SftpClient sftp, String path, String content) throws IOException {
        try (OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    static String idOf(String name) {
        return exchange.admin("filings").lines().filter(l -> l.endsWith(" " + name)).reduce((a, b) -> b).orElseThrow().split(" ")[0];
    }

    @Test
    void aManifestNamesTheStatesAndThePeriodOfItsDocument() throws Exception {
        try (ClientSession s = exchange.login("borealia-system"); SftpClient sftp = exchange.sftp(s)) {
            put(sftp, "/submit/national-report/named/poa-2024-2025.pdf.manifest.json",
                    "{\"version\":1,\"reportType\":\"national-report\",\"period\":\"2024-2025\",\"level\":\"named\","
                            + "\"namedStates\":[\"ARC\"],\"withheld\":true}");
            put(sftp, "/submit/national-report/named/poa-2024-2025.pdf", "PoA report");
        }
        String shown = exchange.admin("show", idOf("poa-2024-2025.pdf"));
        assertThat(shown).contains("\"period\" : \"2024-2025\"").contains("\"level\" : \"named\"").contains("\"withheld\" : true")
                .contains("\"recipients\" : [ \"ARC\" ]").contains("\"needsReview\" : false");
    }

    @Test
    void doubtRoutesToTheSecretariatForReview() throws Exception {
        try (ClientSession s = exchange.login("arcadia-system"); SftpClient sftp = exchange.sftp(s)) {
            // the manifest says public, the folder says states-parties: conflict
            put(sftp, "/submit/annual-report/states-parties/conflict.pdf.manifest.json",
                    "{\"version\":1,\"reportType\":\"annual-report\",\"period\":\"" + (Year.now().getValue() - 1) + "\",\"level\":\"public\"}");
            put(sftp, "/submit/annual-report/states-parties/conflict.pdf", "conflicting");
        }
        String shown = exchange.admin("show", idOf("conflict.pdf"));
        assertThat(shown).contains("\"level\" : \"secretariat\"").contains("\"needsReview\" : true").contains("\"recipients\" : [ ]")
                .contains("manifest");
    }

    @Test
    void aNamedFolderWithoutAManifestToNameTheStatesIsRefusedAtOnce() throws Exception {
        int before = exchange.admin("filings", "--state", "ARC").split("\n").length;
        try (ClientSession s = exchange.login("arcadia-system"); SftpClient sftp = exchange.sftp(s)) {
            assertThatThrownBy(() -> put(sftp, "/submit/annual-report/named/unnamed.pdf", "no names"))
                    .isInstanceOf(org.apache.sshd.sftp.common.SftpException.class)
                    .hasMessageStartingWith("invalid-routing: the filing says named but names no States");
        }
        assertThat(exchange.admin("filings", "--state", "ARC").split("\n")).hasSize(before);
    }

    @Test
    void aManifestWithoutAPeriodLeavesItToTheFolderAsNoManifestWould() throws Exception {
        // what the SDK writes for every upload: just the submission id, no period
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s)) {
            put(sftp, "/submit/annual-report/states-parties/implied.pdf.manifest.json",
                    "{\"version\":1,\"reportType\":\"annual-report\",\"level\":\"states-parties\",\"submissionId\":\"arc-implied-period-01\"}");
            put(sftp, "/submit/annual-report/states-parties/implied.pdf", "report");
        }
        assertThat(exchange.admin("show", idOf("implied.pdf"))).contains("\"period\" : \"" + (Year.now().getValue() - 1) + "\"")
                .contains("\"needsReview\" : false");
    }

    @Test
    void aBadManifestIsRefusedAndKeepsNothing() throws Exception {
        try (ClientSession s = exchange.login("sylvania-system"); SftpClient sftp = exchange.sftp(s)) {
            assertThatThrownBy(() -> put(sftp, "/submit/annual-report/public/future.pdf.manifest.json",
                    "{\"version\":1,\"reportType\":\"annual-report\",\"period\":\"" + (Year.now().getValue() + 1) + "\"}"))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> put(sftp, "/submit/annual-report/public/wrong.pdf.manifest.json",
                    "{\"version\":1,\"reportType\":\"national-report\"}")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> put(sftp, "/submit/annual-report/public/junk.pdf.manifest.json", "{\"version\":1,\"surprise\":1}"))
                    .isInstanceOf(IOException.class);
            // the document then files with what its folder says
            put(sftp, "/submit/annual-report/public/future.pdf", "report");
        }
        String shown = exchange.admin("show", idOf("future.pdf"));
        assertThat(shown).contains("\"level\" : \"public\"").contains("\"period\" : \"" + (Year.now().getValue() - 1) + "\"");
        assertThat(exchange.admin("filings")).doesNotContain("manifest.json");
    }
}
