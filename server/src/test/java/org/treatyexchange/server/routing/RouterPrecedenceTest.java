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

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.routing.DistributionPlan.LevelSource;

/** Each step of the precedence, and that a later step never overrides an earlier one. */
class RouterPrecedenceTest {

    static Stream<Arguments> precedence() {
        StandingInstruction secretariat = instruction(SECRETARIAT);
        StandingInstruction publicly = instruction(PUBLIC);
        StandingInstruction brokenNamed = instruction(NAMED, "ZZZ");
        return Stream.of(
                Arguments.of("the folder beats a narrower instruction and the default",
                        List.of(folder(PUBLIC)), Map.of(REPORT, secretariat), SECRETARIAT,
                        PUBLIC, LevelSource.DECLARED, List.of("BBB", "CCC")),
                Arguments.of("folder and manifest agreeing",
                        List.of(folder(STATES_PARTIES), manifest(STATES_PARTIES)), Map.of(REPORT, publicly), PUBLIC,
                        STATES_PARTIES, LevelSource.DECLARED, List.of("BBB", "CCC")),
                Arguments.of("a declaration narrower than the instruction wins",
                        List.of(envelope(SECRETARIAT)), Map.of(REPORT, publicly), PUBLIC,
                        SECRETARIAT, LevelSource.DECLARED, List.of()),
                Arguments.of("the same named States in another order agree",
                        List.of(manifest(NAMED, "CCC", "BBB"), envelope(NAMED, "BBB", "CCC")), Map.of(), SECRETARIAT,
                        NAMED, LevelSource.DECLARED, List.of("BBB", "CCC")),
                Arguments.of("a valid declaration makes a malformed instruction irrelevant",
                        List.of(folder(STATES_PARTIES)), Map.of(REPORT, brokenNamed), SECRETARIAT,
                        STATES_PARTIES, LevelSource.DECLARED, List.of("BBB", "CCC")),
                Arguments.of("no declaration: the instruction beats the default",
                        List.of(), Map.of(REPORT, publicly), SECRETARIAT,
                        PUBLIC, LevelSource.STANDING_INSTRUCTION, List.of("BBB", "CCC")),
                Arguments.of("a named instruction",
                        List.of(), Map.of(REPORT, instruction(NAMED, "CCC")), PUBLIC,
                        NAMED, LevelSource.STANDING_INSTRUCTION, List.of("CCC")),
                Arguments.of("a secretariat instruction beats a public default",
                        List.of(), Map.of(REPORT, secretariat), PUBLIC,
                        SECRETARIAT, LevelSource.STANDING_INSTRUCTION, List.of()),
                Arguments.of("an instruction for another report type does not apply",
                        List.of(), Map.of("national-report", new StandingInstruction("national-report", PUBLIC, List.of())),
                        STATES_PARTIES, STATES_PARTIES, LevelSource.REPORT_TYPE_DEFAULT, List.of("BBB", "CCC")),
                Arguments.of("a malformed instruction for another report type does not matter",
                        List.of(), Map.of("national-report", new StandingInstruction("national-report", NAMED, List.of("ZZZ"))),
                        PUBLIC, PUBLIC, LevelSource.REPORT_TYPE_DEFAULT, List.of("BBB", "CCC")),
                Arguments.of("nothing said: a secretariat default",
                        List.of(), Map.of(), SECRETARIAT,
                        SECRETARIAT, LevelSource.REPORT_TYPE_DEFAULT, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("precedence")
    void levelComesFromTheFirstStepThatSaysAnything(String name, List<Declaration> declarations,
            Map<String, StandingInstruction> instructions, ConfidentialityLevel reportTypeDefault,
            ConfidentialityLevel level, LevelSource source, List<String> recipients) {
        RoutingRequest request = new RoutingRequest("AAA", REPORT, declarations, Fixtures.registry("AAA", instructions),
                Optional.of(reportTypeDefault));

        DistributionPlan plan = Router.plan(request);

        assertThat(plan.level()).isEqualTo(level);
        assertThat(plan.levelSource()).isEqualTo(source);
        assertThat(plan.recipients()).isEqualTo(recipients);
        assertThat(plan.needsReview()).isFalse();
        assertThat(plan.reviewReasons()).isEmpty();
    }
}
