package org.treatyexchange.server.release;

import org.treatyexchange.server.application.Refusal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.DocumentInfo;
import org.treatyexchange.sdk.wire.InboxItem;
import org.treatyexchange.sdk.wire.InboxItemJson;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.crypto.DocumentVault;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.InboxRecords;
import org.treatyexchange.server.store.RoutingRecords;
import org.treatyexchange.server.store.RoutingRecords.Plan;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;
import org.treatyexchange.server.store.Tx;

/**
 * The secretariat's mandate after receipt: every filing carries the distribution plan routing made
 * for it; it waits as {@code pending} until the secretariat releases or holds it (or is released at
 * once where the report type's policy says so). Releasing executes the plan exactly once per State:
 * a server-signed distribution item in each entitled State's inbound queue. Withdrawn filings stop
 * being visible to States; the secretariat keeps them.
 */
public final class ReleaseService {

    public static final String PENDING = "pending";
    public static final String RELEASED = "released";
    public static final String HELD = "held";
    public static final String WITHDRAWN = "withdrawn";
    /**
     * A step of the history, never a status: the first of two secretariat people approved the release of a filing at a
     * four-eyes level. It counts only while it is the latest step: a hold, or any other decision, sets it aside.
     */
    public static final String RELEASE_APPROVED = "release-approved";

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseService.class);

    private final Store store;
    private final DocumentVault vault;
    private final ReceiptSigner signer;
    private final AuditLog audit;
    private final Clock clock;
    private volatile FilingEvents events = new FilingEvents() { };
    private final Set<ConfidentialityLevel> fourEyesLevels;

    public ReleaseService(Store store, DocumentVault vault, ReceiptSigner signer, AuditLog audit, Clock clock) {
        this(store, vault, signer, audit, clock, Set.of());
    }

    /** @param fourEyesLevels the levels whose release needs two different secretariat people (release.fourEyes.levels) */
    public ReleaseService(Store store, DocumentVault vault, ReceiptSigner signer, AuditLog audit, Clock clock,
            Set<ConfidentialityLevel> fourEyesLevels) {
        this.store = store;
        this.vault = vault;
        this.signer = signer;
        this.audit = audit;
        this.clock = clock;
        this.fourEyesLevels = Set.copyOf(fourEyesLevels);
    }

    /** Whether a release at this level needs a second, different secretariat person. */
    public boolean needsFourEyes(ConfidentialityLevel level) {
        return fourEyesLevels.contains(level);
    }

    /** Who sees each filing received, released or held, inside its transaction (the notifications); replaces the previous. */
    public void listen(FilingEvents listener) {
        this.events = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * Called inside the transaction that records a new filing: keeps its plan, marks it pending, or
     * releases it at once when {@code releaseAtOnce}.
     */
    public void onRecorded(Tx tx, FilingRecord filing, Plan plan, boolean releaseAtOnce) throws Exception {
        tx.routing().insertPlan(plan);
        Instant at = now();
        String reason = plan.needsReview() ? String.join("; ", plan.reviewReasons())
                : "routed as " + plan.level().wireName() + " (" + plan.levelSource() + ")";
        if (PENDING.equals(filing.status())) {
            tx.routing().decideFirst(filing.id(), PENDING, "router", reason, at); // inserted pending just now (RoutingPolicy)
        } else {
            tx.routing().decide(filing.id(), PENDING, "router", reason, at);
        }
        audit.append(tx, AuditEvent.ok("routing.planned", "router", "-", filing.id())
                .withDetail("level", plan.level().wireName())
                .withDetail("levelSource", plan.levelSource())
                .withDetail("recipients", String.join(",", plan.recipients()))
                .withDetail("publicArea", Boolean.toString(plan.publicArea()))
                .withDetail("needsReview", Boolean.toString(plan.needsReview())));
        events.received(tx, filing, plan);
        if (releaseAtOnce && !plan.needsReview() && !needsFourEyes(plan.level())) {
            execute(tx, filing, plan, "policy:on-receipt", "-", at, null, null);
        }
    }

    /** Filings waiting for the secretariat (pending and held), oldest first. */
    public List<String> awaitingDecision() throws StoreException {
        return store.read(tx -> {
            List<String> ids = new ArrayList<>(tx.routing().withStatus(PENDING, 10_000));
            ids.addAll(tx.routing().withStatus(HELD, 10_000));
            ids.sort(null);
            return ids;
        });
    }

    /** A filing with the plan made for it at receipt (empty for filings from before routing). */
    public record Planned(FilingRecord filing, Optional<Plan> plan) {
    }

    /** Filings waiting for the secretariat (pending and held) with their plans, oldest first, in one read. */
    public List<Planned> awaitingWithPlans() throws StoreException {
        return store.read(tx -> {
            List<String> ids = new ArrayList<>(tx.routing().withStatus(PENDING, 10_000));
            ids.addAll(tx.routing().withStatus(HELD, 10_000));
            ids.sort(null);
            List<Planned> out = new ArrayList<>();
            for (String id : ids) {
                Optional<FilingRecord> f = tx.filings().byId(id);
                if (f.isPresent()) {
                    out.add(new Planned(f.get(), tx.routing().plan(id)));
                }
            }
            return out;
        });
    }

    /** One filing with its plan. */
    public Optional<Planned> planned(String filingId) throws StoreException {
        return store.read(tx -> {
            Optional<FilingRecord> f = tx.filings().byId(filingId);
            return f.isEmpty() ? Optional.<Planned>empty() : Optional.of(new Planned(f.get(), tx.routing().plan(filingId)));
        });
    }

    public Optional<Plan> plan(String filingId) throws StoreException {
        return store.read(tx -> tx.routing().plan(filingId));
    }

    public List<RoutingRecords.Decision> history(String filingId) throws StoreException {
        return store.read(tx -> tx.routing().decisions(filingId));
    }

    /**
     * What a release did: distributed the filing (its plan executed), or, at a four-eyes level, recorded the first
     * person's approval and waits for a second, different one.
     *
     * @param firstApprover who approved first (four-eyes), or null when one person's release sufficed
     */
    public record Released(Plan plan, boolean distributed, String firstApprover) {
    }

    /**
     * Releases a pending or held filing: executes its plan, exactly once per State. Two rules, for every channel:
     * <ul>
     * <li>a filing a newer version supersedes is released only with {@code confirmedNewer} naming the newest version
     *     (so nobody distributes an outdated report by mistake); releasing a version never distributes another;
     * <li>at a four-eyes level the first person's release is an approval only; the filing is distributed when a second,
     *     different person releases it while that approval is still the latest step of its history.
     * </ul>
     */
    public Released release(String filingId, String actor, String source, String confirmedNewer) throws Refusal, StoreException {
        try {
            return store.inTransaction(tx -> {
                FilingRecord f = tx.filings().byId(filingId).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + filingId));
                if (!f.status().equals(PENDING) && !f.status().equals(HELD)) {
                    throw new Refusal(Refusal.Reason.CONFLICT, "filing " + filingId + " is " + f.status() + "; only pending or held filings can be released");
                }
                Plan plan = tx.routing().plan(filingId).orElseThrow(() -> new Refusal(Refusal.Reason.CONFLICT, "filing " + filingId + " has no plan"));
                Optional<String> newest = newestVersion(tx, f);
                if (newest.isPresent() && !newest.get().equals(confirmedNewer)) {
                    throw new Refusal(Refusal.Reason.CONFLICT, "filing " + filingId + " is superseded by the newer version " + newest.get()
                            + "; releasing it needs a confirmation that names " + newest.get());
                }
                Instant at = now();
                if (!needsFourEyes(plan.level())) {
                    execute(tx, f, plan, actor, source, at, newest.orElse(null), null);
                    return new Released(plan, true, null);
                }
                List<RoutingRecords.Decision> history = tx.routing().decisions(filingId);
                Optional<RoutingRecords.Decision> approval = history.isEmpty() ? Optional.empty()
                        : Optional.of(history.get(history.size() - 1)).filter(d -> d.status().equals(RELEASE_APPROVED));
                if (approval.isEmpty()) {
                    tx.routing().note(filingId, RELEASE_APPROVED, actor, "release approved by one person; a second secretariat person must confirm it"
                            + " (four-eyes for " + plan.level().wireName() + ")", at);
                    AuditEvent event = AuditEvent.ok("filing.release-approved", actor, source, filingId).withDetail("level", plan.level().wireName());
                    audit.append(tx, newest.isPresent() ? event.withDetail("supersededBy", newest.get()) : event);
                    return new Released(plan, false, actor);
                }
                String first = approval.get().actor();
                if (first.equals(actor)) {
                    throw new Refusal(Refusal.Reason.CONFLICT, "you approved the release of filing " + filingId
                            + " already; a second, different secretariat person must confirm it (four-eyes)");
                }
                execute(tx, f, plan, actor, source, at, newest.orElse(null), first);
                return new Released(plan, true, first);
            });
        } catch (StoreException e) {
            throw unwrap(e);
        }
    }

    /** The newest version of the document {@code f} is a version of, when that is not {@code f} itself. */
    private static Optional<String> newestVersion(Tx tx, FilingRecord f) throws StoreException {
        List<FilingRecord> chain = versionChain(tx, f);
        String last = chain.get(chain.size() - 1).id();
        return last.equals(f.id()) ? Optional.empty() : Optional.of(last);
    }

    /**
     * Every version of the document {@code f} is a version of, oldest first: what it supersedes, back to the first
     * version, and what supersedes it, up to the newest.
     */
    static List<FilingRecord> versionChain(Tx tx, FilingRecord f) throws StoreException {
        List<FilingRecord> same = tx.filings().list(new FilingQuery(f.state(), null, f.reportType(), 10_000));
        java.util.Map<String, FilingRecord> byId = new java.util.HashMap<>();
        java.util.Map<String, FilingRecord> successor = new java.util.HashMap<>();
        for (FilingRecord r : same) {
            byId.put(r.id(), r);
            if (r.supersedes() != null) {
                successor.merge(r.supersedes(), r, (a, b) -> a.id().compareTo(b.id()) >= 0 ? a : b);
            }
        }
        java.util.LinkedList<FilingRecord> chain = new java.util.LinkedList<>();
        chain.add(f);
        java.util.Set<String> seen = new java.util.HashSet<>(Set.of(f.id()));
        for (FilingRecord back = f; back.supersedes() != null && byId.containsKey(back.supersedes()) && seen.add(back.supersedes()); ) {
            back = byId.get(back.supersedes());
            chain.addFirst(back);
        }
        for (FilingRecord next = successor.get(f.id()); next != null && seen.add(next.id()); next = successor.get(next.id())) {
            chain.addLast(next);
        }
        return List.copyOf(chain);
    }

    /** Every version of the document filing {@code filingId} is a version of, oldest first (empty if there is no such filing). */
    public List<FilingRecord> versions(String filingId) throws StoreException {
        return store.read(tx -> {
            Optional<FilingRecord> f = tx.filings().byId(filingId);
            return f.isEmpty() ? List.<FilingRecord>of() : versionChain(tx, f.get());
        });
    }

    /** Holds a pending filing with a reason; it stays with the secretariat until released. */
    public void hold(String filingId, String reason, String actor, String source) throws Refusal, StoreException {
        if (reason == null || reason.isBlank()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "a hold needs a reason");
        }
        try {
            store.inTransaction(tx -> {
                FilingRecord f = tx.filings().byId(filingId).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + filingId));
                if (!f.status().equals(PENDING)) {
                    throw new Refusal(Refusal.Reason.CONFLICT, "filing " + filingId + " is " + f.status() + "; only pending filings can be held");
                }
                tx.routing().decide(filingId, HELD, actor, reason, now());
                audit.append(tx, AuditEvent.ok("filing.held", actor, source, filingId).withDetail("reason", reason));
                events.held(tx, f);
                return null;
            });
        } catch (StoreException e) {
            throw unwrap(e);
        }
    }

    /**
     * Withdraws a filing on its State's behalf: from now on no State sees it in {@code /distributed/}
     * or {@code /public/}; the secretariat keeps the record.
     */
    public void withdraw(String filingId, String state, String actor, String source, String reason) throws Refusal, StoreException {
        try {
            store.inTransaction(tx -> {
                FilingRecord f = tx.filings().byId(filingId).filter(r -> r.state().equals(state))
                        .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + filingId + " of " + state));
                if (f.status().equals(WITHDRAWN)) {
                    return null;
                }
                tx.routing().decide(filingId, WITHDRAWN, actor, reason == null ? "withdrawn by the State" : reason, now());
                audit.append(tx, AuditEvent.ok("filing.withdrawn", actor, source, filingId).withDetail("state", state));
                return null;
            });
        } catch (StoreException e) {
            throw unwrap(e);
        }
    }

    /** Released, not withdrawn filings distributed to a State, oldest first. */
    public List<FilingRecord> distributedTo(String state) throws StoreException {
        return store.read(tx -> {
            List<FilingRecord> out = new ArrayList<>();
            for (String id : tx.routing().distributedTo(state)) {
                tx.filings().byId(id).filter(f -> f.status().equals(RELEASED)).ifPresent(out::add);
            }
            return out;
        });
    }

    /** Released, not withdrawn filings whose plan includes the public area, oldest first. */
    public List<FilingRecord> publicFilings() throws StoreException {
        return store.read(tx -> {
            List<FilingRecord> out = new ArrayList<>();
            for (String id : tx.routing().withStatus(RELEASED, 10_000)) {
                Optional<Plan> plan = tx.routing().plan(id);
                if (plan.isPresent() && plan.get().publicArea() && plan.get().level() == ConfidentialityLevel.PUBLIC) {
                    tx.filings().byId(id).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    /** Marks released and gives each entitled State, once, a signed distribution item in its queue. */
    private void execute(Tx tx, FilingRecord f, Plan plan, String actor, String source, Instant at, String supersededBy,
            String firstApprover) throws Exception {
        tx.routing().decide(f.id(), RELEASED, actor, "released as " + plan.level().wireName()
                + (firstApprover == null ? "" : " (four-eyes: confirms the approval of " + firstApprover + ")")
                + (supersededBy == null ? "" : " (confirmed although superseded by " + supersededBy + ")"), at);
        List<String> reached = new ArrayList<>();
        for (String state : plan.recipients()) {
            if (!tx.routing().distribute(f.id(), state, at)) {
                continue; // already distributed (a release resumed after a crash): exactly once
            }
            InboxItem item = new InboxItem(InboxItem.CURRENT_VERSION, InboxItem.Kind.DISTRIBUTION, "dist-" + f.id(), state, at,
                    title(f), null, List.of(new DocumentInfo(f.fileName(), f.size(), f.sha256(), "application/octet-stream")), f.id(),
                    plan.level());
            byte[] signed = signer.sign(InboxItemJson.toBytes(item));
            DocumentVault.StoredDocument blob = vault.store(signed);
            tx.documentKeys().insert(blob.key());
            long seq = tx.inbox().nextSeq();
            tx.inbox().insert(new InboxRecords.InboxEntry(seq, state, InboxItem.Kind.DISTRIBUTION.wireName(), item.id(), item.title(), at,
                    blob.blobId(), blob.size(), null));
            reached.add(state);
        }
        AuditEvent released = AuditEvent.ok("filing.released", actor, source, f.id())
                .withDetail("level", plan.level().wireName())
                .withDetail("recipients", String.join(",", reached))
                .withDetail("publicArea", Boolean.toString(plan.publicArea()));
        if (firstApprover != null) {
            released = released.withDetail("firstApprover", firstApprover);
        }
        if (supersededBy != null) {
            released = released.withDetail("supersededBy", supersededBy);
        }
        audit.append(tx, released);
        events.released(tx, f, plan);
        LOG.info("filing {} released to {} State(s){}", f.id(), reached.size(), plan.publicArea() ? " and the public area" : "");
    }

    private static String title(FilingRecord f) {
        return f.state() + " " + f.reportType() + (f.period() == null ? "" : " " + f.period()) + ": " + f.fileName();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Refusal unwrap(StoreException e) throws StoreException {
        if (e.getCause() instanceof Refusal r) {
            return r;
        }
        throw e;
    }
}
