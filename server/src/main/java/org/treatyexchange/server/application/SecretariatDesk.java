package org.treatyexchange.server.application;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.filing.FilingIds;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.messages.MessageService;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.release.Obligations;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.reporting.StateStatus;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * What the secretariat does, whatever channel it uses: review what waits (pending and held filings with
 * their plans), release, hold, withdraw on a State's behalf, send messages to States, read every filing
 * and its receipt, and report who has filed and who the points of contact are. Every method first
 * checks that the caller is the secretariat; every act is audited with the caller's account and channel.
 */
public final class SecretariatDesk {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FilingService filings;
    private final ReleaseService release;
    private final MessageService messages;
    private final Reports reports;
    private final Obligations obligations;
    private final StandingInstructions instructions;
    private final RegistryService registry;
    private final ReceiptSigner signer;
    private final Store store;
    private final AuditTrail audit;
    private final Clock clock;

    public SecretariatDesk(FilingService filings, ReleaseService release, MessageService messages, Reports reports, Obligations obligations,
            StandingInstructions instructions, RegistryService registry, ReceiptSigner signer, Store store, AuditTrail audit, Clock clock) {
        this.obligations = obligations;
        this.filings = filings;
        this.release = release;
        this.messages = messages;
        this.reports = reports;
        this.instructions = instructions;
        this.registry = registry;
        this.signer = signer;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    // ---- what waits for a decision ----------------------------------------------------------------

    /** The ids of the filings waiting for a decision, oldest first (a folder listing; not audited). */
    public List<String> pendingIds(Caller caller) throws Refusal {
        requireSecretariat(caller);
        return StoreCalls.call(release::awaitingDecision);
    }

    /** One filing with its plan. */
    public Optional<Filing.Planned> planned(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        if (!FilingIds.isWellFormed(filingId)) {
            return Optional.empty();
        }
        return StoreCalls.call(() -> release.planned(filingId))
                .map(p -> new Filing.Planned(Filing.of(p.filing()), p.plan().map(Filing.Plan::of)));
    }

    /**
     * One filing that waits for a decision (pending or held) with its plan, versions and history, as the queue shows it
     * (no audit events); empty when it does not wait. A folder entry's content (SFTP {@code /pending/<id>.json}): not
     * audited, as {@link #planned}.
     */
    public Optional<Dossier> waiting(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        if (!FilingIds.isWellFormed(filingId)) {
            return Optional.empty();
        }
        Optional<ReleaseService.Planned> p = StoreCalls.call(() -> release.planned(filingId));
        if (p.isEmpty() || !(p.get().filing().status().equals(ReleaseService.PENDING) || p.get().filing().status().equals(ReleaseService.HELD))) {
            return Optional.empty();
        }
        return Optional.of(dossier(p.get(), List.of()));
    }

    /** What waits for a decision (pending and held), each with its plan, versions and history, oldest first; audited. */
    public List<Dossier> queue(Caller caller) throws Refusal {
        requireSecretariat(caller);
        List<Dossier> out = new java.util.ArrayList<>();
        for (ReleaseService.Planned p : StoreCalls.call(release::awaitingWithPlans)) {
            out.add(dossier(p, List.of()));
        }
        audit.record(event(caller, "pending.listed", "-"));
        return out;
    }

    /** One filing with its plan, versions, history and the audit events about it (the latest 200); audited as read. */
    public Optional<Dossier> dossier(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        if (!FilingIds.isWellFormed(filingId)) {
            return Optional.empty();
        }
        Optional<ReleaseService.Planned> p = StoreCalls.call(() -> release.planned(filingId));
        if (p.isEmpty()) {
            return Optional.empty();
        }
        List<Filing.AuditEntry> events = StoreCalls.read(store, tx -> tx.audit().about(filingId, 200)).stream()
                .map(a -> new Filing.AuditEntry(a.seq(), a.at(), a.type(), a.actor(), a.source(), a.outcome(), a.details())).toList();
        Dossier d = dossier(p.get(), events);
        audit.record(event(caller, "filing.viewed", filingId));
        return Optional.of(d);
    }

    private Dossier dossier(ReleaseService.Planned p, List<Filing.AuditEntry> events) throws Refusal {
        String id = p.filing().id();
        List<Filing> versions = Filing.all(StoreCalls.call(() -> release.versions(id)));
        List<Filing.Decision> decisions = StoreCalls.call(() -> release.history(id)).stream()
                .map(d -> new Filing.Decision(d.status(), d.actor(), d.reason(), d.decidedAt())).toList();
        Optional<Filing.Plan> plan = p.plan().map(Filing.Plan::of);
        boolean fourEyes = release.needsFourEyes(plan.map(Filing.Plan::level).orElse(p.filing().level()));
        return new Dossier(Filing.of(p.filing()), plan, versions, decisions, fourEyes, events);
    }

    // ---- decisions -------------------------------------------------------------------------------

    /**
     * Releases a pending or held filing (see {@link #release(Caller, String, String)}) that no newer version supersedes.
     */
    public Filing.Release release(Caller caller, String filingId) throws Refusal {
        return release(caller, filingId, null);
    }

    /**
     * Releases a pending or held filing: executes its plan, or, at a four-eyes level, records the caller's approval
     * until a second, different secretariat person releases it too. A filing a newer version supersedes is released
     * only when {@code confirmedNewer} names the newest version; a filing already decided is a conflict. The same
     * answer on every channel: the rules live in the release service.
     */
    public Filing.Release release(Caller caller, String filingId, String confirmedNewer) throws Refusal {
        requireSecretariat(caller);
        requireFilingId(filingId);
        String confirmation = confirmedNewer == null || confirmedNewer.isBlank() ? null : confirmedNewer.strip();
        ReleaseService.Released r = StoreCalls.act(() -> release.release(filingId, caller.account(), caller.source(), confirmation));
        return new Filing.Release(Filing.Plan.of(r.plan()), r.distributed(), r.firstApprover());
    }

    /** Holds a pending filing; the reason is required. */
    public void hold(Caller caller, String filingId, String reason) throws Refusal {
        requireSecretariat(caller);
        requireFilingId(filingId);
        StoreCalls.act(() -> {
            release.hold(filingId, reason == null ? null : reason.strip(), caller.account(), caller.source());
            return null;
        });
    }

    /** Withdraws a filing on its State's behalf (at the State's request); the reason, required, is recorded. */
    public void withdraw(Caller caller, String filingId, String reason) throws Refusal {
        requireSecretariat(caller);
        requireFilingId(filingId);
        // The record and the audit log say why a filing disappeared from every State's view: no default stands in for it.
        if (reason == null || reason.isBlank()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "a withdrawal needs a reason: say why (e.g. the State's request)");
        }
        FilingRecord f = record(filingId).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + filingId));
        String why = reason.strip();
        StoreCalls.act(() -> {
            release.withdraw(filingId, f.state(), caller.account(), caller.source(), why);
            return null;
        });
    }

    // ---- messages to States ------------------------------------------------------------------------

    /** A secretariat message in a signed envelope (the API); returns the server-signed receipt. */
    public byte[] sendMessage(Caller caller, byte[] signedEnvelope) throws Refusal {
        requireSecretariat(caller);
        return messages.sendFromSecretariat(caller, signedEnvelope);
    }

    /** A secretariat message written at the console or the admin CLI, signed by the server; returns its receipt. */
    public byte[] send(Caller caller, List<String> recipients, String title, String body) throws Refusal {
        requireSecretariat(caller);
        return messages.sendAsOperator(caller, recipients, Names.title(title), body);
    }

    /**
     * Begins a secretariat message written at the console with attachments (streamed in by the edge), to
     * chosen States or {@code all-states-parties}; recipients, title and body are checked first.
     */
    public MessageDraft beginMessage(Caller caller, List<String> recipients, String title, String body) throws Refusal {
        requireSecretariat(caller);
        if (body == null || body.isBlank()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "write the message");
        }
        if (body.length() > MAX_MESSAGE_BODY) {
            throw new Refusal(Refusal.Reason.TOO_LARGE, "the message is longer than " + MAX_MESSAGE_BODY + " characters");
        }
        return new MessageDraft(messages.beginOperatorMessage(caller, recipients, Names.title(title), body));
    }

    /** Longest message text written at the console (the signed inbox item must stay small). */
    public static final int MAX_MESSAGE_BODY = 20_000;

    // ---- every filing ------------------------------------------------------------------------------

    /** Filings matching every given field (null matches all), oldest first; audited. */
    public List<Filing> filings(Caller caller, String state, String reportType, String period, String level, String status) throws Refusal {
        return filings(caller, state, reportType, period, level, status, null);
    }

    /**
     * Filings matching every given field (null matches all) and, when {@code words} is given, whose title (the State's,
     * else the document's name) or document name contains every one of its words (case-insensitive, in any script); oldest
     * first; audited.
     */
    public List<Filing> filings(Caller caller, String state, String reportType, String period, String level, String status, String words)
            throws Refusal {
        requireSecretariat(caller);
        List<String> wanted = words == null ? List.of() : java.util.Arrays.stream(searchable(words).split("\\s+"))
                .filter(w -> !w.isEmpty()).toList();
        List<Filing> out = select(state, reportType, period, level, status).stream()
                .filter(f -> {
                    String text = searchable(f.title() + " " + f.fileName());
                    return wanted.stream().allMatch(text::contains);
                })
                .toList();
        audit.record(event(caller, "filings.listed", state == null ? "-" : state));
        return out;
    }

    /** Text as the filings search compares it: NFC, lower case by the root locale (so "Ä" finds "ä" and "Rapport" finds "rapport"). */
    private static String searchable(String s) {
        return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC).toLowerCase(java.util.Locale.ROOT);
    }

    /** One State's filings, oldest first (a folder listing; not audited). */
    public List<Filing> stateFilings(Caller caller, String state) throws Refusal {
        requireSecretariat(caller);
        return Filing.all(StoreCalls.read(store, tx -> tx.filings().list(FilingQuery.ofState(state))));
    }

    public Optional<Filing> filing(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        return record(filingId).map(Filing::of);
    }

    /** How a filing was decided, oldest first. */
    public List<Filing.Decision> decisions(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        return StoreCalls.call(() -> release.history(filingId)).stream()
                .map(d -> new Filing.Decision(d.status(), d.actor(), d.reason(), d.decidedAt())).toList();
    }

    public Optional<byte[]> receipt(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        if (record(filingId).isEmpty()) {
            return Optional.empty();
        }
        return StoreCalls.read(store, tx -> tx.filings().receipt(filingId));
    }

    /** A filing's document, decrypted; audited as a download. */
    public SeekableByteChannel openDocument(Caller caller, String filingId) throws Refusal {
        requireSecretariat(caller);
        FilingRecord f = record(filingId).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + filingId));
        return filings.openDocument(f, caller.account(), caller.source());
    }

    /**
     * The index of a reporting cycle (e.g. every annual report for 2025), signed by the server's receipt
     * key so that an exported folder can be checked later: the JSON and the CMS signature over exactly it.
     */
    public SignedIndex cycleIndex(Caller caller, String reportType, String period) throws Refusal {
        requireSecretariat(caller);
        if (reportType == null || period == null) {
            throw new Refusal(Refusal.Reason.MALFORMED, "a reporting cycle is a report type and a period");
        }
        ObjectNode index = JSON.createObjectNode();
        index.put("reportType", reportType);
        index.put("period", period);
        index.put("generatedAt", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        ArrayNode items = index.putArray("filings");
        for (Filing f : select(null, reportType, period, null, null)) {
            ObjectNode n = FilingJson.describe(f);
            n.put("path", f.state() + "/" + f.id() + "--" + f.fileName());
            items.add(n);
        }
        try {
            byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index);
            byte[] signature = signer.sign(json);
            audit.record(event(caller, "cycle.exported", reportType + " " + period));
            return new SignedIndex(json, signature);
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the index could not be written", e);
        }
    }

    /** A signed index: the JSON and a CMS signature over exactly those bytes. */
    public record SignedIndex(byte[] json, byte[] signature) {
        public String jsonBase64() {
            return Base64.getEncoder().encodeToString(json);
        }

        public String signatureBase64() {
            return Base64.getEncoder().encodeToString(signature);
        }
    }

    // ---- reports -----------------------------------------------------------------------------------

    /** Each State Party's annual report for {@code year}: on time, late or missing; audited. */
    public List<StateStatus> reportingStatus(Caller caller, int year) throws Refusal {
        requireSecretariat(caller);
        if (year < 1900 || year > 9999) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the year must have four digits");
        }
        List<StateStatus> status = StoreCalls.call(() -> reports.annualStatus(year));
        audit.record(event(caller, "reporting-status.read", Integer.toString(year)));
        return status;
    }

    /**
     * The reporting dashboard: each State Party's report of {@code reportType} for {@code year} (on time, late, missing,
     * not yet due), as the obligations calendar has it ({@link Obligations#forYear}: a periodic report whose period ends in
     * the year, only in the years it falls due; the initial report, one per State with its own due date), from the same
     * query as the public reporting table ({@link Reports#status}); audited.
     */
    public ReportingDashboard dashboard(Caller caller, String reportType, int year) throws Refusal {
        requireSecretariat(caller);
        if (year < 1900 || year > 9999) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the year must have four digits");
        }
        if (reportType == null || !instructions.isReportType(reportType)) {
            throw new Refusal(Refusal.Reason.UNKNOWN_REPORT_TYPE, "unknown report type '" + FilingRules.printable(reportType) + "'");
        }
        Obligations.ForYear due = StoreCalls.call(() -> obligations.forYear(reportType, year));
        audit.record(event(caller, "dashboard.read", reportType + " " + year));
        Map<String, java.time.LocalDate> dues = new LinkedHashMap<>();
        if (due.due().isEmpty()) {
            due.rows().forEach(r -> dues.put(r.state(), r.due()));
        }
        return new ReportingDashboard(reportType, year, due.due().orElse(null), due.rows().stream().map(Obligations.Standing::status).toList(),
                due.period(), dues, due.kind() == Obligations.Kind.NOT_DUE);
    }

    /** The national points of contact (text); audited. */
    public byte[] contacts(Caller caller) throws Refusal {
        requireSecretariat(caller);
        byte[] list = StoreCalls.call(reports::contactListDocument);
        audit.record(event(caller, "contacts.read", "-"));
        return list;
    }

    /** The national points of contact as JSON (for scripts); audited like {@link #contacts}. */
    public byte[] contactsJson(Caller caller) throws Refusal {
        requireSecretariat(caller);
        byte[] list = StoreCalls.call(reports::contactListJson);
        audit.record(event(caller, "contacts.read", "-"));
        return list;
    }

    /** The confidentiality in force for filings that say no level, for one State or (null) all. */
    public List<StandingInstructions.InForce> instructions(Caller caller, String state) throws Refusal {
        requireSecretariat(caller);
        if (state != null && registry.current().state(state).isEmpty()) {
            throw new Refusal(Refusal.Reason.NOT_FOUND, "no State " + FilingRules.printable(state) + " in the registry");
        }
        List<StandingInstructions.InForce> rows = StoreCalls.call(() -> instructions.inForce(state));
        audit.record(event(caller, "instructions.read", state == null ? "-" : state));
        return rows;
    }

    // ---- shared ------------------------------------------------------------------------------------

    /**
     * The e-mail notifications with one status ({@link Notification#STATUSES}), oldest first, at most {@code limit}
     * (1 to 1000): {@code failed} lists those that failed for good, for the secretariat to act on. Audited.
     */
    public List<Notification> notifications(Caller caller, String status, int limit) throws Refusal {
        requireSecretariat(caller);
        if (!Notification.STATUSES.contains(status)) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the status must be one of " + String.join(", ", Notification.STATUSES));
        }
        int n = Math.max(1, Math.min(limit, 1000));
        List<Notification> out = StoreCalls.read(store, tx -> tx.notifications().withStatus(status, n)).stream().map(Notification::of).toList();
        audit.record(event(caller, "notifications.read", status));
        return out;
    }

    static void requireSecretariat(Caller caller) throws Refusal {
        caller.requireSecretariat();
    }

    private static void requireFilingId(String filingId) throws Refusal {
        if (!FilingIds.isWellFormed(filingId)) {
            throw new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + FilingRules.printable(filingId));
        }
    }

    /** Filter values that match nothing by construction are refused, so a typo is not mistaken for "none". */
    private List<Filing> select(String state, String reportType, String period, String level, String status) throws Refusal {
        if (level != null && ConfidentialityLevel.fromWireName(level).isEmpty()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "unknown level '" + FilingRules.printable(level)
                    + "'; one of public, states-parties, secretariat, named");
        }
        if (status != null && !List.of(ReleaseService.PENDING, ReleaseService.HELD, ReleaseService.RELEASED, ReleaseService.WITHDRAWN)
                .contains(status)) {
            throw new Refusal(Refusal.Reason.MALFORMED, "unknown status '" + FilingRules.printable(status)
                    + "'; one of pending, held, released, withdrawn");
        }
        if (state != null && registry.current().state(state).isEmpty()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "no State '" + FilingRules.printable(state) + "' in the registry");
        }
        if (reportType != null && !instructions.isReportType(reportType)) {
            throw new Refusal(Refusal.Reason.UNKNOWN_REPORT_TYPE, "unknown report type '" + FilingRules.printable(reportType) + "'");
        }
        return Filing.all(StoreCalls.read(store, tx -> tx.filings().list(new FilingQuery(state, null, reportType, 10_000)))).stream()
                .filter(f -> period == null || period.equals(f.period()))
                .filter(f -> level == null || level.equals(f.level().wireName()))
                .filter(f -> status == null || status.equals(f.status()))
                .toList();
    }

    private Optional<FilingRecord> record(String filingId) throws Refusal {
        if (!FilingIds.isWellFormed(filingId)) {
            return Optional.empty();
        }
        return StoreCalls.read(store, tx -> tx.filings().byId(filingId));
    }

    private static AuditEvent event(Caller caller, String type, String subject) {
        return AuditEvent.ok(type, caller.account(), caller.source(), subject).withDetail("channel", caller.channel().wireName());
    }
}
