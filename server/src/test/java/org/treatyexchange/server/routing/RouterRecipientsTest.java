package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.routing.Fixtures.NAMED;
import static org.treatyexchange.server.routing.Fixtures.PUBLIC;
import static org.treatyexchange.server.routing.Fixtures.REPORT;
import static org.treatyexchange.server.routing.Fixtures.SECRETARIAT;
import static org.treatyexchange.server.routing.Fixtures.STATES_PARTIES;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.routing.DistributionPlan.LevelSource;

/**
 * Recipients for every level, for a filer that is a State Party (AAA) and one that is a signatory
 * (SSS), whichever precedence step gave the level. Signatories never receive; the filer never
 * receives its own filing; only {@code public} reaches the public area.
 */
class RouterRecipientsTest {

    record Case(String filer, ConfidentialityLevel level, List<String> named, List<String> recipients, boolean publicArea) {
    }

    static final List<Case> CASES = List.of(
            new Case("AAA", PUBLIC, List.of(), List.of("BBB", "CCC"), true),
            new Case("AAA", STATES_PARTIES, List.of(), List.of("BBB", "CCC"), false),
            new Case("AAA", SECRETARIAT, List.of(), List.of(), false),
            new Case("AAA", NAMED, List.of("CCC"), List.of("CCC"), false),
            new Case("AAA", NAMED, List.of("CCC", "BBB"), List.of("BBB", "CCC"), false),
            new Case("SSS", PUBLIC, List.of(), List.of("AAA", "BBB", "CCC"), true),
            new Case("SSS", STATES_PARTIES, List.of(), List.of("AAA", "BBB", "CCC"), false),
            new Case("SSS", SECRETARIAT, List.of(), List.of(), false),
            new Case("SSS", NAMED, List.of("AAA"), List.of("AAA"), false),
            new Case("SSS", NAMED, List.of("CCC", "AAA", "BBB"), List.of("AAA", "BBB", "CCC"), false));

    static Stream<Arguments> cases() {
        return Stream.of(LevelSource.DECLARED, LevelSource.STANDING_INSTRUCTION, LevelSource.REPORT_TYPE_DEFAULT)
                .flatMap(via -> CASES.stream()
                        // A report type's default is never named (it could not name anyone).
                        .filter(c -> !(via == LevelSource.REPORT_TYPE_DEFAULT && c.level() == NAMED))
                        .map(c -> Arguments.of(via, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void recipients(LevelSource via, Case c) {
        List<Declaration> declarations = List.of();
        Map<String, StandingInstruction> instructions = Map.of();
        ConfidentialityLevel reportTypeDefault = SECRETARIAT;
        switch (via) {
            case DECLARED -> declarations = List.of(new Declaration(Declaration.Source.ENVELOPE, c.level(), c.named()));
            case STANDING_INSTRUCTION -> instructions = Map.of(REPORT, new StandingInstruction(REPORT, c.level(), c.named()));
            case REPORT_TYPE_DEFAULT -> reportTypeDefault = c.level();
            default -> throw new AssertionError(via);
        }
        Registry registry = Fixtures.registry(c.filer(), instructions);

        DistributionPlan plan = Router.plan(new RoutingRequest(c.filer(), REPORT, declarations, registry,
                Optional.of(reportTypeDefault), ReleasePolicy.ON_RECEIPT));

        assertThat(plan.levelSource()).isEqualTo(via);
        assertThat(plan.level()).isEqualTo(c.level());
        assertThat(plan.recipients()).isEqualTo(c.recipients());
        assertThat(plan.recipients()).doesNotContain(c.filer(), "SSS");
        assertThat(plan.publicArea()).isEqualTo(c.publicArea());
        assertThat(plan.needsReview()).isFalse();
        assertThat(plan.releaseAtOnce()).isTrue();
    }
}
