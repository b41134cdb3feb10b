package org.treatyexchange.server.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.treatyexchange.server.routing.Fixtures.NAMED;
import static org.treatyexchange.server.routing.Fixtures.PUBLIC;
import static org.treatyexchange.server.routing.Fixtures.REPORT;
import static org.treatyexchange.server.routing.Fixtures.SECRETARIAT;
import static org.treatyexchange.server.routing.Fixtures.STATES_PARTIES;
import static org.treatyexchange.server.routing.Fixtures.folder;
import static org.treatyexchange.server.routing.Fixtures.manifest;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

/** releaseAtOnce = ON_RECEIPT and no review needed; every other combination waits for the secretariat. */
class ReleasePolicyTest {

    @ParameterizedTest(name = "{0}, {1}, review needed {2} -> at once {3}")
    @CsvSource({
        "ON_RECEIPT,   PUBLIC,         false, true",
        "ON_RECEIPT,   STATES_PARTIES, false, true",
        "ON_RECEIPT,   SECRETARIAT,    false, true",
        "ON_RECEIPT,   NAMED,          false, true",
        "ON_RECEIPT,   PUBLIC,         true,  false",
        "ON_RECEIPT,   NAMED,          true,  false",
        "AFTER_REVIEW, PUBLIC,         false, false",
        "AFTER_REVIEW, STATES_PARTIES, false, false",
        "AFTER_REVIEW, SECRETARIAT,    false, false",
        "AFTER_REVIEW, NAMED,          false, false",
        "AFTER_REVIEW, PUBLIC,         true,  false",
    })
    void releaseAtOnceOnlyForAValidPlanUnderOnReceipt(ReleasePolicy policy, ConfidentialityLevel level, boolean broken,
            boolean atOnce) {
        Declaration declared = level == NAMED ? manifest(NAMED, "BBB") : manifest(level);
        // "broken": the folder disagrees with the manifest, which must force review.
        List<Declaration> declarations = broken
                ? List.of(declared, folder(level == SECRETARIAT ? PUBLIC : SECRETARIAT))
                : List.of(declared);

        DistributionPlan plan = Router.plan(new RoutingRequest("AAA", REPORT, declarations, Fixtures.registry(),
                Optional.of(STATES_PARTIES), policy));

        assertThat(plan.needsReview()).isEqualTo(broken);
        assertThat(plan.releaseAtOnce()).isEqualTo(atOnce);
    }

    @Test
    void theDefaultPolicyWaitsForTheSecretariat() {
        RoutingRequest request = new RoutingRequest("AAA", REPORT, List.of(folder(PUBLIC)), Fixtures.registry(),
                Optional.of(STATES_PARTIES));

        assertThat(ReleasePolicy.DEFAULT).isEqualTo(ReleasePolicy.AFTER_REVIEW);
        assertThat(request.releasePolicy()).isEqualTo(ReleasePolicy.AFTER_REVIEW);
        assertThat(Router.plan(request).releaseAtOnce()).isFalse();
    }
}
