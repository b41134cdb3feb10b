package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;

/**
 * A superseded version is released only with a confirmation that names the newest version, with the same answer on
 * every channel that releases (admin CLI, SFTP action file, HTTPS API); releasing the newest version never
 * distributes an older pending one.
 */
class SupersededReleaseTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    @TempDir
    static Path tmp;

    static ReleaseChannels channels() {
        return new ReleaseChannels(exchange, tmp);
    }

    @Test
    void anOlderVersionNeedsAConfirmationNamingTheNewestOnEveryChannelAndTheNewestAloneDistributesOnlyItself() throws Exception {
        String folder = "/submit/annual-report/states-parties/";
        String v1 = channels().file("arcadia-officer", folder + "arc-annual-versions.pdf", "version one");
        String v2 = channels().file("arcadia-officer", folder + "arc-annual-versions.pdf", "version two");
        assertThat(exchange.admin("pending")).contains(v1, v2);
        assertThat(exchange.admin("pending").lines().filter(l -> l.startsWith(v1))).singleElement().asString()
                .contains("(superseded by " + v2 + ")");
        assertThat(exchange.admin("pending").lines().filter(l -> l.startsWith(v2))).singleElement().asString()
                .doesNotContain("superseded");
        // the API's and SFTP's pending views name the newest version too
        assertThat(channels().pendingByApi(v1)).contains("\"supersededBy\":\"" + v2 + "\"").isEqualTo(channels().pendingBySftp(v1));
        assertThat(channels().pendingByApi(v2)).contains("\"supersededBy\":null").isEqualTo(channels().pendingBySftp(v2));

        // without the confirmation, or with one naming another filing: refused alike on each channel, nothing distributed
        assertThat(exchange.admin("release", v1)).startsWith("6\n").contains("refused (conflict)", "superseded by the newer version " + v2);
        assertThat(exchange.admin("release", v1, "--superseded-by", v1)).startsWith("6\n").contains("refused (conflict)");
        assertThat(channels().releaseBySftp(v1, "")).contains("superseded by the newer version " + v2);
        assertThat(channels().releaseBySftp(v1, "nonsense")).contains("superseded by the newer version " + v2);
        String[] api = channels().releaseByApi(v1, "");
        assertThat(api[0]).isEqualTo("409");
        assertThat(api[1]).contains("superseded by the newer version " + v2);
        assertThat(channels().releaseByApi(v1, "?supersededBy=" + v1)[0]).isEqualTo("409");
        assertThat(channels().names("borealia-officer", "/distributed")).noneMatch(n -> n.startsWith(v1) || n.startsWith(v2));

        // releasing the newest version distributes it alone; the older one stays pending
        assertThat(channels().releaseBySftp(v2, "")).isNull();
        assertThat(channels().names("borealia-officer", "/distributed")).contains(v2 + "--arc-annual-versions.pdf")
                .noneMatch(n -> n.startsWith(v1));
        assertThat(channels().read("borealia-officer", "/distributed/" + v2 + "--arc-annual-versions.pdf")).isEqualTo("version two");
        assertThat(exchange.admin("filings", "--status", "pending")).contains(v1).doesNotContain(v2);

        long distributionsBefore = channels().names("borealia-officer", "/distributed").stream().filter(n -> n.endsWith("-distribution.p7s")).count();
        // the explicit confirmation releases the older one, and says so in its history
        String[] confirmed = channels().releaseByApi(v1, "?supersededBy=" + v2);
        assertThat(confirmed[0]).as(confirmed[1]).isEqualTo("200");
        assertThat(confirmed[1]).contains("\"status\":\"released\"");
        assertThat(exchange.admin("show", v1)).contains("released", "superseded by " + v2);
        // Borealia got it as a distribution item; its /distributed/ folder goes on listing the current version only
        assertThat(channels().names("borealia-officer", "/distributed").stream().filter(n -> n.endsWith("-distribution.p7s")).count())
                .isEqualTo(distributionsBefore + 1);
    }

    @Test
    void theSftpActionFileCarriesTheConfirmation() throws Exception {
        String folder = "/submit/annual-report/states-parties/";
        String v1 = channels().file("sylvania-officer", folder + "syl-annual-sftp.pdf", "first");
        String v2 = channels().file("sylvania-officer", folder + "syl-annual-sftp.pdf", "second");
        String v3 = channels().file("sylvania-officer", folder + "syl-annual-sftp.pdf", "third");
        // the newest of the chain, not merely the next version, is what the confirmation names
        assertThat(channels().releaseBySftp(v1, v2)).contains("superseded by the newer version " + v3);
        assertThat(channels().releaseBySftp(v1, v3 + "\n")).isNull();
        assertThat(exchange.admin("show", v1)).contains("released");
        assertThat(exchange.admin("filings", "--status", "pending")).contains(v2, v3);
    }
}
