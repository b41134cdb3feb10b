package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.routing.Fixtures.NAMED;
import static org.treatyexchange.server.routing.Fixtures.PUBLIC;
import static org.treatyexchange.server.routing.Fixtures.REPORT;
import static org.treatyexchange.server.routing.Fixtures.SECRETARIAT;
import static org.treatyexchange.server.routing.Fixtures.STATES_PARTIES;
import static org.treatyexchange.server.routing.Fixtures.envelope;
import static org.treatyexchange.server.routing.Fixtures.folder;
import static org.treatyexchange.server.routing.Fixtures.instruction;
import static org.treatyexchange.server.routing.Fixtures.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.routing.DistributionPlan.LevelSource;

/**
 * Every reason to fail closed, each with its exact review reasons. Every request is made under
 * {@link ReleasePolicy#ON_RECEIPT} with generous standing instructions elsewhere, so a plan that
 * leaked wider than the secretariat or went out at once would be caught.
 */
class RouterFailClosedTest {

    static final String I = "the standing instruction of AAA for annual-report";

    static Stream<Arguments> failures() {
        Registry plain = Fixtures.registry();
        // AAA would publish annual reports if its instruction applied: a broken declaration must not fall through to it.
        Registry publishing = Fixtures.registry("AAA", Map.of(REPORT, instruction(PUBLIC)));
        return Stream.of(
                // --- the filer and the report type
                Arguments.of("unknown filer", "ZZZ", REPORT, Optional.of(PUBLIC), List.of(folder(PUBLIC)), plain,
                        List.of("the filer State ZZZ is not in the registry")),
                Arguments.of("malformed filer code is not echoed", "zz\u001b[31m", REPORT, Optional.of(PUBLIC), List.of(), plain,
                        List.of("the filer State (not an ISO 3166 alpha-3 code) is not in the registry")),
                Arguments.of("unknown report type", "AAA", "nuclear-report", Optional.empty(), List.of(envelope(PUBLIC)), plain,
                        List.of("report type nuclear-report is not configured")),
                Arguments.of("malformed report type is not echoed", "AAA", "<b>Annual</b>", Optional.empty(), List.of(), plain,
                        List.of("report type (not a report type id) is not configured")),
                Arguments.of("unknown filer and unknown report type", "ZZZ", "x", Optional.empty(), List.of(), plain,
                        List.of("the filer State ZZZ is not in the registry", "report type x is not configured")),
                // --- conflicting declarations
                Arguments.of("manifest public, folder secretariat (given in either order)", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(PUBLIC), folder(SECRETARIAT)), publishing,
                        List.of("the manifest says public but the folder says secretariat")),
                Arguments.of("three sources, two disagree with the first", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(envelope(PUBLIC), manifest(STATES_PARTIES), folder(STATES_PARTIES)), publishing,
                        List.of("the envelope says public but the folder says states-parties")),
                Arguments.of("named lists differ", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(envelope(NAMED, "CCC"), manifest(NAMED, "BBB")), publishing,
                        List.of("the envelope names CCC but the manifest names BBB")),
                Arguments.of("named list is a subset of the other", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(NAMED, "BBB", "CCC"), envelope(NAMED, "BBB")), publishing,
                        List.of("the envelope names BBB but the manifest names BBB, CCC")),
                Arguments.of("named against a level", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(folder(STATES_PARTIES), manifest(NAMED, "BBB")), publishing,
                        List.of("the manifest says named but the folder says states-parties")),
                Arguments.of("the same source twice, agreeing", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(folder(PUBLIC), folder(PUBLIC)), publishing,
                        List.of("the filing states its level more than once in the folder")),
                Arguments.of("the same source twice, disagreeing", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(PUBLIC), manifest(SECRETARIAT)), publishing,
                        List.of("the filing states its level more than once in the manifest",
                                "the manifest says secretariat but the manifest says public")),
                Arguments.of("the same source twice, naming different States (sorted, whichever came first)", "AAA", REPORT,
                        Optional.of(PUBLIC), List.of(manifest(NAMED, "CCC"), manifest(NAMED, "BBB")), publishing,
                        List.of("the filing states its level more than once in the manifest",
                                "the manifest names CCC but the manifest names BBB")),
                Arguments.of("named lists differ, one naming no States", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(envelope(NAMED), manifest(NAMED, "BBB")), publishing,
                        List.of("the envelope says named but names no States",
                                "the envelope names no States but the manifest names BBB")),
                // --- a malformed declaration
                Arguments.of("named without States", "AAA", REPORT, Optional.of(PUBLIC), List.of(manifest(NAMED)), publishing,
                        List.of("the manifest says named but names no States")),
                Arguments.of("a folder saying named cannot name States", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(folder(NAMED)), publishing,
                        List.of("the folder says named but names no States")),
                Arguments.of("States with a level other than named", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(PUBLIC, "BBB")), publishing,
                        List.of("the manifest says public but also names States (BBB)")),
                Arguments.of("unknown State", "AAA", REPORT, Optional.of(PUBLIC), List.of(envelope(NAMED, "BBB", "ZZZ")), publishing,
                        List.of("the envelope names ZZZ, which is not in the registry")),
                Arguments.of("signatory", "AAA", REPORT, Optional.of(PUBLIC), List.of(envelope(NAMED, "SSS")), publishing,
                        List.of("the envelope names SSS, which is a signatory, not a State Party")),
                Arguments.of("the filer itself", "AAA", REPORT, Optional.of(PUBLIC), List.of(envelope(NAMED, "AAA", "BBB")), publishing,
                        List.of("the envelope names the filer AAA itself")),
                Arguments.of("a signatory filer naming itself", "SSS", REPORT, Optional.of(PUBLIC),
                        List.of(envelope(NAMED, "SSS")), publishing,
                        List.of("the envelope names the filer SSS itself")),
                Arguments.of("duplicates, reported once", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(NAMED, "BBB", "BBB", "CCC", "BBB")), publishing,
                        List.of("the manifest names BBB more than once")),
                Arguments.of("a malformed code is not echoed", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(NAMED, "bbb\n<script>")), publishing,
                        List.of("the manifest names a State by a code that is not an ISO 3166 alpha-3 code")),
                Arguments.of("lowercase codes are not normalised", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(NAMED, "bbb")), publishing,
                        List.of("the manifest names a State by a code that is not an ISO 3166 alpha-3 code")),
                Arguments.of("every problem in a list, in order", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(NAMED, "ZZZ", "SSS", "AAA", "BBB")), publishing,
                        List.of("the manifest names ZZZ, which is not in the registry",
                                "the manifest names SSS, which is a signatory, not a State Party",
                                "the manifest names the filer AAA itself")),
                Arguments.of("both agreeing declarations are judged", "AAA", REPORT, Optional.of(PUBLIC),
                        List.of(manifest(NAMED, "ZZZ"), envelope(NAMED, "ZZZ")), publishing,
                        List.of("the manifest names ZZZ, which is not in the registry",
                                "the envelope names ZZZ, which is not in the registry")),
                Arguments.of("a valid declaration with an unknown report type", "AAA", "nuclear-report", Optional.empty(),
                        List.of(envelope(NAMED, "BBB")), publishing,
                        List.of("report type nuclear-report is not configured")),
                // --- the standing instruction that would apply is malformed
                Arguments.of("instruction names an unknown State", "AAA", REPORT, Optional.of(PUBLIC), List.of(),
                        Fixtures.registry("AAA", Map.of(REPORT, instruction(NAMED, "ZZZ"))),
                        List.of(I + " names ZZZ, which is not in the registry")),
                Arguments.of("instruction names a signatory (e.g. a State that left the treaty)", "AAA", REPORT,
                        Optional.of(PUBLIC), List.of(), Fixtures.registry("AAA", Map.of(REPORT, instruction(NAMED, "BBB", "SSS"))),
                        List.of(I + " names SSS, which is a signatory, not a State Party")),
                Arguments.of("instruction names the filer", "AAA", REPORT, Optional.of(PUBLIC), List.of(),
                        Fixtures.registry("AAA", Map.of(REPORT, instruction(NAMED, "AAA"))),
                        List.of(I + " names the filer AAA itself")),
                Arguments.of("instruction repeats a State", "AAA", REPORT, Optional.of(PUBLIC), List.of(),
                        Fixtures.registry("AAA", Map.of(REPORT, instruction(NAMED, "CCC", "CCC"))),
                        List.of(I + " names CCC more than once")),
                Arguments.of("instruction filed under the wrong report type", "AAA", REPORT, Optional.of(SECRETARIAT), List.of(),
                        Fixtures.registry("AAA", Map.of(REPORT, new StandingInstruction("national-report", PUBLIC, List.of()))),
                        List.of(I + " is recorded for report type national-report")),
                // --- the configured default cannot be named
                Arguments.of("named default", "AAA", REPORT, Optional.of(NAMED), List.of(), plain,
                        List.of("the configured default for annual-report is named, which cannot name any States")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failsClosedWithPreciseReasons(String name, String filer, String reportType,
            Optional<ConfidentialityLevel> reportTypeDefault, List<Declaration> declarations, Registry registry,
            List<String> reasons) {
        DistributionPlan plan = Router.plan(new RoutingRequest(filer, reportType, declarations, registry,
                reportTypeDefault, ReleasePolicy.ON_RECEIPT));

        assertClosed(plan);
        assertThat(plan.reviewReasons()).containsExactlyElementsOf(reasons);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void declarationOrderDoesNotChangeTheOutcome(String name, String filer, String reportType,
            Optional<ConfidentialityLevel> reportTypeDefault, List<Declaration> declarations, Registry registry,
            List<String> reasons) {
        List<Declaration> reversed = new ArrayList<>(declarations);
        java.util.Collections.reverse(reversed);

        DistributionPlan plan = Router.plan(new RoutingRequest(filer, reportType, reversed, registry,
                reportTypeDefault, ReleasePolicy.ON_RECEIPT));

        assertThat(plan.reviewReasons()).containsExactlyElementsOf(reasons);
    }

    @Test
    void aFloodOfBadCodesIsSummarisedNotCopiedIntoThePlan() {
        String[] unknown = IntStream.range(0, 20).mapToObj(i -> "Z" + (char) ('A' + i) + "Z").toArray(String[]::new);

        DistributionPlan plan = Router.plan(Fixtures.request(List.of(manifest(NAMED, unknown)), Fixtures.registry()));

        assertClosed(plan);
        assertThat(plan.reviewReasons()).hasSize(Router.MAX_REASONS);
        assertThat(plan.reviewReasons().get(0)).isEqualTo("the manifest names ZAZ, which is not in the registry");
        assertThat(plan.reviewReasons().get(Router.MAX_REASONS - 1)).isEqualTo("and 5 more problems");
    }

    @Test
    void exactlyTheMaximumNumberOfReasonsIsKeptWhole() {
        String[] unknown = IntStream.range(0, Router.MAX_REASONS).mapToObj(i -> "Z" + (char) ('A' + i) + "Z")
                .toArray(String[]::new);

        DistributionPlan plan = Router.plan(Fixtures.request(List.of(manifest(NAMED, unknown)), Fixtures.registry()));

        assertThat(plan.reviewReasons()).hasSize(Router.MAX_REASONS)
                .last().isEqualTo("the manifest names Z" + (char) ('A' + Router.MAX_REASONS - 1) + "Z, which is not in the registry");
    }

    static void assertClosed(DistributionPlan plan) {
        assertThat(plan.level()).isEqualTo(SECRETARIAT);
        assertThat(plan.levelSource()).isEqualTo(LevelSource.FALLBACK);
        assertThat(plan.recipients()).isEmpty();
        assertThat(plan.publicArea()).isFalse();
        assertThat(plan.needsReview()).isTrue();
        assertThat(plan.releaseAtOnce()).isFalse();
    }
}
