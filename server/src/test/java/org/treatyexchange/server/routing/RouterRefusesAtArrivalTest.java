package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.routing.Fixtures.NAMED;
import static org.treatyexchange.server.routing.Fixtures.PUBLIC;
import static org.treatyexchange.server.routing.Fixtures.STATES_PARTIES;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.treatyexchange.server.registry.Registry;

/**
 * {@link Router#filingProblems} and {@link Router#instructionProblems}: what the application layer asks
 * before it accepts a filing's level or a new standing instruction, so that a bad one is refused when it
 * arrives instead of failing every later filing closed. Same rule as a plan, each sentence naming what said it.
 */
class RouterRefusesAtArrivalTest {

    final Registry registry = Fixtures.registry();

    @Test
    void aFilingNamingStatesPartiesMayBeRouted() {
        assertThat(Router.filingProblems("AAA", NAMED, List.of("BBB", "CCC"), registry)).isEmpty();
        assertThat(Router.filingProblems("AAA", STATES_PARTIES, List.of(), registry)).isEmpty();
    }

    @Test
    void aFilingNamingItselfASignatoryOrAnUnknownStateIsRefusedWithEveryReason() {
        assertThat(Router.filingProblems("AAA", NAMED, List.of("AAA", "SSS", "ZZZ"), registry)).containsExactly(
                "the filing names the filer AAA itself",
                "the filing names SSS, which is a signatory, not a State Party",
                "the filing names ZZZ, which is not in the registry");
    }

    @Test
    void aFilingSayingPublicCannotAlsoNameStates() {
        assertThat(Router.filingProblems("AAA", PUBLIC, List.of("BBB"), registry))
                .containsExactly("the filing says public but also names States (BBB)");
    }

    @Test
    void anInstructionNamingStatesPartiesMayBeKept() {
        assertThat(Router.instructionProblems("AAA", NAMED, List.of("CCC"), registry)).isEmpty();
    }

    @Test
    void anInstructionNamingNoStatesOrASignatoryIsRefusedAsTheInstruction() {
        assertThat(Router.instructionProblems("AAA", NAMED, List.of(), registry))
                .containsExactly("the instruction says named but names no States");
        assertThat(Router.instructionProblems("BBB", NAMED, List.of("SSS", "SSS"), registry))
                .containsExactly("the instruction names SSS, which is a signatory, not a State Party",
                        "the instruction names SSS more than once");
    }
}
