package org.treatyexchange.server.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * Four-eyes release ({@code release.fourEyes.levels: [public, states-parties]}): at those levels the first person's
 * release is an approval only, the same person cannot confirm it, a second, different secretariat person's release
 * distributes it; any channel may give either step (admin CLI as the operator, SFTP and HTTPS as the secretariat
 * account); a hold sets an approval aside; other levels are released by one person. Both steps are in the history and
 * the audit chain.
 */
class FourEyesReleaseTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass(c -> c.withRelease(
            new ServerConfig.Release(Set.of(ConfidentialityLevel.PUBLIC, ConfidentialityLevel.STATES_PARTIES))));

    @TempDir
    static Path tmp;

    static ReleaseChannels channels() {
        return new ReleaseChannels(exchange, tmp);
    }

    @Test
    void aStatesPartiesReleaseNeedsASecondDifferentPersonOnAnyChannel() throws Exception {
        String id = channels().file("arcadia-officer", "/submit/annual-report/states-parties/arc-four-eyes.pdf", "ARC four eyes");

        // the operator's release is an approval: nothing distributed, the filing still pending
        assertThat(exchange.admin("release", id)).startsWith("0\n").contains("\"status\" : \"approved\"", "\"firstApprover\" : \"operator\"");
        assertThat(exchange.admin("filings", "--status", "pending")).contains(id);
        assertThat(exchange.admin("pending").lines().filter(l -> l.startsWith(id)))
                .singleElement().asString().contains("(release approved by operator; a second person must release it)");
        assertThat(channels().names("borealia-officer", "/distributed")).noneMatch(n -> n.startsWith(id));
        // the API's and SFTP's pending views say the same: a second person must release it
        assertThat(channels().pendingByApi(id)).contains("\"fourEyes\":true", "\"firstApprover\":\"operator\"", "\"supersededBy\":null")
                .isEqualTo(channels().pendingBySftp(id));
        // the same person cannot be the second pair of eyes
        assertThat(exchange.admin("release", id)).startsWith("6\n").contains("refused (conflict)", "a second, different secretariat person");
        assertThat(channels().names("borealia-officer", "/distributed")).noneMatch(n -> n.startsWith(id));

        // a second person (the secretariat's account, over HTTPS) confirms: distributed
        String[] second = channels().releaseByApi(id, "");
        assertThat(second[0]).as(second[1]).isEqualTo("200");
        assertThat(second[1]).contains("\"status\":\"released\"", "\"firstApprover\":\"operator\"");
        assertThat(channels().names("borealia-officer", "/distributed")).contains(id + "--arc-four-eyes.pdf");

        // both steps in the history and in the audit chain, each with its person
        assertThat(exchange.admin("show", id)).contains("release-approved", "operator", "released", "confirms the approval of operator");
        String audit = channels().auditOf("filing.release-approved") + channels().auditOf("filing.released");
        assertThat(audit).contains("\"type\":\"filing.release-approved\"", "\"actor\":\"operator\"", "\"actor\":\"secretariat\"",
                "firstApprover\\\":\\\"operator"); // inside the details, JSON in JSON
    }

    @Test
    void aHoldSetsAnApprovalAsideAndTheSftpActionFileCanApproveOrConfirm() throws Exception {
        String id = channels().file("sylvania-officer", "/submit/annual-report/public/syl-four-eyes.pdf", "SYL public four eyes");
        assertThat(channels().releaseBySftp(id, "")).isNull(); // the secretariat account approves
        assertThat(exchange.admin("hold", id, "--reason", "annex to check")).startsWith("0\n");
        // after the hold the earlier approval no longer counts: this release is a new first approval
        assertThat(exchange.admin("release", id)).startsWith("0\n").contains("\"status\" : \"approved\"");
        assertThat(channels().names("calvera-officer", "/public")).noneMatch(n -> n.startsWith(id));
        assertThat(channels().releaseBySftp(id, "")).isNull(); // a different person confirms
        assertThat(channels().names("calvera-officer", "/public")).contains(id + "--syl-four-eyes.pdf");
    }

    @Test
    void aLevelNotListedIsReleasedByOnePerson() throws Exception {
        String id = channels().file("borealia-officer", "/submit/initial-report/secretariat/bor-initial-one.pdf", "BOR initial");
        assertThat(exchange.admin("release", id)).startsWith("0\n").contains("\"status\" : \"released\"");
        assertThat(exchange.admin("show", id)).doesNotContain("release-approved");
    }

    @Test
    void thePendingViewsSayNoApprovalWaitsBeforeTheFirstAndForALevelNotListed() throws Exception {
        String listed = channels().file("calvera-officer", "/submit/annual-report/states-parties/cal-four-eyes-view.pdf", "CAL view");
        String notListed = channels().file("calvera-officer", "/submit/initial-report/secretariat/cal-one-view.pdf", "CAL one view");
        assertThat(channels().pendingByApi(listed)).contains("\"fourEyes\":true", "\"firstApprover\":null")
                .isEqualTo(channels().pendingBySftp(listed));
        assertThat(channels().pendingByApi(notListed)).contains("\"fourEyes\":false", "\"firstApprover\":null")
                .isEqualTo(channels().pendingBySftp(notListed));
    }
}
