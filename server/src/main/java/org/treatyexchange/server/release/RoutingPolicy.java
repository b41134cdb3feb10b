package org.treatyexchange.server.release;

import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.PointsOfContact;
import org.treatyexchange.sdk.wire.PointsOfContactJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.filing.ContentRule;
import org.treatyexchange.server.filing.FilingPolicy;
import org.treatyexchange.server.filing.Submission;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StandingInstruction;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.routing.Declaration;
import org.treatyexchange.server.routing.DistributionPlan;
import org.treatyexchange.server.routing.ReleasePolicy;
import org.treatyexchange.server.routing.Router;
import org.treatyexchange.server.routing.RoutingRequest;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.InstructionRecords;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.RoutingRecords.Plan;
import org.treatyexchange.server.store.Tx;

/**
 * Connects filing to routing and release: each new filing is routed (what it declares → the State's
 * standing instruction → the report type's default → secretariat; fail closed), the level applied is
 * the plan's, and the plan is kept and executed at once or on the secretariat's release.
 */
public final class RoutingPolicy implements FilingPolicy {

    private final RegistryService registry;
    private final List<ServerConfig.ReportType> reportTypes;
    private final ReleaseService release;

    public RoutingPolicy(RegistryService registry, List<ServerConfig.ReportType> reportTypes, ReleaseService release) {
        this.registry = registry;
        this.reportTypes = List.copyOf(reportTypes);
        this.release = release;
    }

    @Override
    public Routed route(Tx tx, Submission s) throws StoreException {
        Optional<ServerConfig.ReportType> type = reportTypes.stream().filter(t -> t.id().equals(s.reportType())).findFirst();
        Declaration.Source source = s.channel().equals("api") ? Declaration.Source.ENVELOPE : Declaration.Source.FOLDER;
        List<Declaration> declared = new java.util.ArrayList<>();
        if (s.level() != null) {
            declared.add(new Declaration(source, s.level(), s.level() == ConfidentialityLevel.NAMED ? s.namedStates() : List.of()));
        }
        if (s.manifestLevel() != null) {
            declared.add(new Declaration(Declaration.Source.MANIFEST, s.manifestLevel(),
                    s.manifestLevel() == ConfidentialityLevel.NAMED ? s.namedStates() : List.of()));
        }
        DistributionPlan plan = Router.plan(new RoutingRequest(s.state(), s.reportType(), declared,
                withInstructionsSetByMessage(tx, registry.current(), s.state(), s.reportType()),
                type.map(ServerConfig.ReportType::defaultLevel),
                type.map(t -> t.releaseOnReceipt() ? ReleasePolicy.ON_RECEIPT : ReleasePolicy.AFTER_REVIEW).orElse(ReleasePolicy.AFTER_REVIEW)));
        List<String> named = plan.level() == ConfidentialityLevel.NAMED ? plan.recipients() : List.of();
        return new Routed(plan.level(), named, plan);
    }

    /**
     * The registry as routing must see it: a State's own signed instruction for the report type, when
     * it sent one, replaces the registry's (and a withdrawn one removes it). Read in the filing's
     * transaction, so a filing is routed by the instruction in force when it was recorded.
     */
    static Registry withInstructionsSetByMessage(Tx tx, Registry current, String state, String reportType) throws StoreException {
        Optional<InstructionRecords.SetInstruction> set = tx.instructions().find(state, reportType);
        Optional<StateEntry> entry = current.state(state);
        if (set.isEmpty() || entry.isEmpty()) {
            return current;
        }
        InstructionRecords.SetInstruction i = set.get();
        Optional<StandingInstruction> instruction = i.level() == null ? Optional.empty()
                : Optional.of(new StandingInstruction(reportType, i.level(), i.namedStates()));
        return current.withState(entry.get().withInstruction(reportType, instruction));
    }

    /** A points-of-contact filing must be a valid list of the filer State's own contacts. */
    @Override
    public Optional<ContentRule> contentRule(Submission s) {
        if (!s.reportType().equals(PointsOfContact.REPORT_TYPE)) {
            return Optional.empty();
        }
        return Optional.of(new ContentRule() {
            @Override
            public int maxBytes() {
                return PointsOfContact.MAX_BYTES;
            }

            @Override
            public Optional<String> problem(Submission submission, byte[] document) {
                try {
                    PointsOfContact poc = PointsOfContactJson.fromBytes(document);
                    return poc.state().equals(submission.state()) ? Optional.empty()
                            : Optional.of("the points of contact are for " + poc.state() + ", but " + submission.state() + " filed them");
                } catch (WireFormatException e) {
                    return Optional.of(e.getMessage());
                }
            }
        });
    }

    /** Every routed filing starts pending ({@link ReleaseService#onRecorded}). */
    @Override
    public String statusAtRecording(Routed routed) {
        return ReleaseService.PENDING;
    }

    @Override
    public void onRecorded(Tx tx, FilingRecord filing, Routed routed) throws Exception {
        DistributionPlan plan = routed.plan();
        release.onRecorded(tx, filing, new Plan(filing.id(), plan.level(), plan.levelSource().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-'), plan.recipients(), plan.publicArea(), plan.needsReview(), plan.reviewReasons()), plan.releaseAtOnce());
    }
}
