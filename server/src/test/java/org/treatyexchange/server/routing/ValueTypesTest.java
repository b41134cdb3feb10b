package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.treatyexchange.server.routing.Fixtures.NAMED;
import static org.treatyexchange.server.routing.Fixtures.PUBLIC;
import static org.treatyexchange.server.routing.Fixtures.SECRETARIAT;
import static org.treatyexchange.server.routing.Fixtures.STATES_PARTIES;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.routing.DistributionPlan.LevelSource;

/** The records copy their inputs, and a DistributionPlan cannot be built in an unsafe shape. */
class ValueTypesTest {

    static Stream<Arguments> unsafePlans() {
        return Stream.of(
                Arguments.of(SECRETARIAT, List.of("BBB"), false, false, List.of(), false, "a secretariat plan has no recipients"),
                Arguments.of(STATES_PARTIES, List.of("BBB", "BBB"), false, false, List.of(), false,
                        "recipients must not repeat a State"),
                Arguments.of(STATES_PARTIES, List.of("BBB"), true, false, List.of(), false,
                        "the public area is used exactly for the public level"),
                Arguments.of(PUBLIC, List.of("BBB"), false, false, List.of(), false,
                        "the public area is used exactly for the public level"),
                Arguments.of(SECRETARIAT, List.of(), false, true, List.of(), false,
                        "a plan needs review exactly when it has review reasons"),
                Arguments.of(SECRETARIAT, List.of(), false, false, List.of("why"), false,
                        "a plan needs review exactly when it has review reasons"),
                Arguments.of(NAMED, List.of("BBB"), false, true, List.of("why"), false,
                        "a plan that needs review goes no wider than the secretariat"),
                Arguments.of(SECRETARIAT, List.of(), false, true, List.of("why"), true,
                        "a plan that needs review is never released at once"));
    }

    @ParameterizedTest(name = "{6}")
    @MethodSource("unsafePlans")
    void unsafePlansCannotBeBuilt(ConfidentialityLevel level, List<String> recipients, boolean publicArea,
            boolean needsReview, List<String> reasons, boolean atOnce, String message) {
        assertThatThrownBy(() -> new DistributionPlan(level, LevelSource.DECLARED, recipients, publicArea, needsReview,
                reasons, atOnce))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @Test
    void planSortsAndCopiesItsRecipients() {
        List<String> recipients = new ArrayList<>(List.of("CCC", "BBB"));

        DistributionPlan plan = new DistributionPlan(STATES_PARTIES, LevelSource.DECLARED, recipients, false, false,
                List.of(), true);
        recipients.add("DDD");

        assertThat(plan.recipients()).containsExactly("BBB", "CCC");
        assertThatThrownBy(() -> plan.recipients().add("EEE")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void declarationCopiesItsListAndTakesNullAsNone() {
        List<String> named = new ArrayList<>(List.of("BBB"));
        Declaration d = new Declaration(Declaration.Source.MANIFEST, NAMED, named);
        named.add("CCC");

        assertThat(d.namedStates()).containsExactly("BBB");
        assertThat(new Declaration(Declaration.Source.FOLDER, PUBLIC, null).namedStates()).isEmpty();
        assertThat(Declaration.of(Declaration.Source.FOLDER, PUBLIC).namedStates()).isEmpty();
    }

    @Test
    void requestCopiesItsDeclarations() {
        List<Declaration> declarations = new ArrayList<>(List.of(Fixtures.folder(SECRETARIAT)));
        RoutingRequest request = Fixtures.request(declarations, Fixtures.registry());
        declarations.add(Fixtures.manifest(PUBLIC));

        assertThat(request.declarations()).hasSize(1);
        assertThat(Router.plan(request).needsReview()).isFalse();
    }

    @Test
    void nullsAreProgrammingErrors() {
        var registry = Fixtures.registry();
        assertThatThrownBy(() -> Router.plan(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new RoutingRequest(null, "r", List.of(), registry, Optional.empty()))
                .isInstanceOf(NullPointerException.class).hasMessage("filerState");
        assertThatThrownBy(() -> new RoutingRequest("AAA", "r", List.of(), null, Optional.empty()))
                .isInstanceOf(NullPointerException.class).hasMessage("registry");
        assertThatThrownBy(() -> new RoutingRequest("AAA", "r", List.of(), registry, Optional.empty(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("releasePolicy");
        assertThatThrownBy(() -> new Declaration(Declaration.Source.FOLDER, null, List.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("level");
    }
}
