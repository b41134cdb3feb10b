package org.treatyexchange.server.application;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.wire.Manifest;
import org.treatyexchange.sdk.wire.ManifestJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.crypto.DocumentVault;
import org.treatyexchange.server.filing.FilingIds;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.filing.Manifests;
import org.treatyexchange.server.filing.Submission;
import org.treatyexchange.server.messages.MessageService;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.reporting.StateStatus;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.release.Obligations;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.InboxRecords;
import org.treatyexchange.server.store.InstructionRecords;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * What a State does, whatever channel it uses: file (an upload, a manifest, a signed message), withdraw,
 * read its filings, receipts, inbound queue, what was distributed to it and the public area, the points
 * of contact (States Parties only) and its standing instructions. Every method first checks that the
 * caller acts for a State; every read is limited to what that State may see.
 */
public final class StateDesk {

    private final FilingRules rules;
    private final FilingService filings;
    private final Manifests manifests;
    private final MessageService messages;
    private final ReleaseService release;
    private final Reports reports;
    private final Obligations obligations;
    private final StandingInstructions instructions;
    private final RegistryService registry;
    private final DocumentVault vault;
    private final Store store;
    private final AuditTrail audit;
    private final RefusalNotices notices;
    private final Clock clock;

    public StateDesk(FilingRules rules, FilingService filings, Manifests manifests, MessageService messages, ReleaseService release,
            Reports reports, Obligations obligations, StandingInstructions instructions, RegistryService registry, DocumentVault vault,
            Store store, AuditTrail audit, RefusalNotices notices, Clock clock) {
        this.obligations = obligations;
        this.notices = notices;
        this.rules = rules;
        this.filings = filings;
        this.manifests = manifests;
        this.messages = messages;
        this.release = release;
        this.reports = reports;
        this.instructions = instructions;
        this.registry = registry;
        this.vault = vault;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    // ---- filing -----------------------------------------------------------------------------------

    /**
     * Starts an upload into a drop folder: {@code level} is the folder's (null for the report type's own
     * folder, where the standing instruction applies). A waiting manifest for this name adds its period,
     * named States, withheld flag and submission id. Every rule of {@link FilingRules} is checked before
     * the first byte is kept.
     */
    public Upload beginUpload(Caller caller, String reportType, ConfidentialityLevel level, String name) throws Refusal {
        String state = requireState(caller);
        String target = RefusalNotices.target(reportType, level, name);
        try {
            rules.reportType(reportType);
            String nfc = rules.documentName(name);
            Optional<Manifests.Applied> manifest = manifests.waitingFor(slot(state, reportType, level, nfc));
            Submission plain = new Submission(state, caller.account(), caller.credential(), caller.channel().wireName(), caller.source(),
                    nfc, reportType, impliedPeriod(reportType), level, List.of(), false);
            Submission submission = manifest.map(m -> m.applyTo(plain)).orElse(plain);
            rules.period(reportType, submission.period());
            rules.routing(state, level != null ? level : submission.manifestLevel(), submission.namedStates());
            return new Upload(filings.begin(submission), caller, target, notices);
        } catch (Refusal r) {
            notices.note(caller, target, r, 0);
            throw r;
        }
    }

    /**
     * What a filing form says for all of its documents (the portal's "file a report").
     *
     * @param reportType  a configured report type
     * @param period      the reporting period, or blank for the report type's implied one
     * @param level       the level the filing says, or null: the State's standing instruction applies
     * @param namedStates for {@link ConfidentialityLevel#NAMED}: the named States Parties
     * @param withheld    the State withheld sensitive information (ATT Art. 13.3)
     * @param title       the title of the report (each document is filed under it), or null or blank: each document's name
     */
    public record FilingForm(String reportType, String period, ConfidentialityLevel level, List<String> namedStates, boolean withheld,
            String title) {
        public FilingForm {
            namedStates = List.copyOf(namedStates == null ? List.of() : namedStates);
        }

        /** A form without a title. */
        public FilingForm(String reportType, String period, ConfidentialityLevel level, List<String> namedStates, boolean withheld) {
            this(reportType, period, level, namedStates, withheld, null);
        }
    }

    /**
     * Starts a filing of one or more documents, after checking every rule of {@link FilingRules} that
     * does not depend on a document: nothing is kept before the first document byte is accepted.
     */
    public FilingBatch beginFiling(Caller caller, FilingForm form, int maxDocuments) throws Refusal {
        String state = requireState(caller);
        rules.reportType(form.reportType());
        String period = form.period() == null || form.period().isBlank() ? impliedPeriod(form.reportType()) : form.period().strip();
        rules.period(form.reportType(), period);
        rules.routing(state, form.level(), form.namedStates());
        String title = rules.title(form.title());
        return new FilingBatch(filings, rules, new Submission(state, caller.account(), caller.credential(), caller.channel().wireName(),
                caller.source(), "-", form.reportType(), period, form.level(), form.namedStates(), form.withheld()).withTitle(title), null,
                maxDocuments);
    }

    /**
     * Starts a new version of one of the State's own filings: one document, filed under the same report
     * type, level and name, so that it supersedes the current version. Its period and withheld flag may
     * change; so may its title ({@code title} null or blank: the title of the version it replaces). A withdrawn filing, or
     * another State's, cannot be replaced.
     */
    public FilingBatch beginNewVersion(Caller caller, String filingId, String period, boolean withheld) throws Refusal {
        return beginNewVersion(caller, filingId, period, withheld, null);
    }

    /** As {@link #beginNewVersion(Caller, String, String, boolean)}, under a title (null or blank: the replaced version's). */
    public FilingBatch beginNewVersion(Caller caller, String filingId, String period, boolean withheld, String title) throws Refusal {
        String state = requireState(caller);
        FilingRecord old = own(state, filingId).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such filing"));
        if (old.status().equals(ReleaseService.WITHDRAWN)) {
            throw new Refusal(Refusal.Reason.CONFLICT, "a withdrawn filing cannot be replaced; file a new report instead");
        }
        String p = period == null || period.isBlank() ? old.period() : period.strip();
        rules.period(old.reportType(), p);
        rules.routing(state, old.level(), old.namedStates());
        String t = rules.title(title);
        return new FilingBatch(filings, rules, new Submission(state, caller.account(), caller.credential(), caller.channel().wireName(),
                caller.source(), old.fileName(), old.reportType(), p, old.level(), old.namedStates(), withheld)
                .withTitle(t != null ? t : old.title()), old.fileName(), 1);
    }

    /**
     * Keeps a manifest for the document of {@code documentName} that will follow in the same folder,
     * after checking what it says by the same rules as the document itself.
     */
    public void keepManifest(Caller caller, String reportType, ConfidentialityLevel level, String documentName, byte[] json) throws Refusal {
        String state = requireState(caller);
        try {
            keepCheckedManifest(caller, state, reportType, level, documentName, json);
        } catch (Refusal r) {
            notices.note(caller, RefusalNotices.target(reportType, level, documentName + Manifest.SUFFIX), r, json.length);
            throw r;
        }
    }

    private void keepCheckedManifest(Caller caller, String state, String reportType, ConfidentialityLevel level, String documentName,
            byte[] json) throws Refusal {
        rules.reportType(reportType);
        String nfc = rules.documentName(documentName);
        ManifestRecords.Slot slot = slot(state, reportType, level, nfc);
        Manifest m;
        try {
            m = ManifestJson.fromBytes(json);
        } catch (WireFormatException e) {
            throw manifests.refused(slot, caller.account(), caller.source(), new Refusal(Refusal.Reason.MALFORMED, "manifest refused: "
                    + e.getMessage()));
        }
        try {
            if (!m.reportType().equals(reportType)) {
                throw new Refusal(Refusal.Reason.MALFORMED, "its reportType '" + m.reportType() + "' is not the folder's '" + reportType + "'");
            }
            // A manifest that says no period leaves it to the folder, as a document without one.
            rules.period(reportType, m.period() != null ? m.period() : impliedPeriod(reportType));
            rules.routing(state, level != null ? level : m.level(), m.namedStates());
            if (m.title() != null) {
                rules.title(m.title()); // the wire format checked it by the same rule; the server's word is this one
            }
        } catch (Refusal r) {
            throw manifests.refused(slot, caller.account(), caller.source(), new Refusal(r.reason(), "manifest refused: " + r.getMessage()));
        }
        manifests.receive(slot, caller.account(), caller.source(), m);
    }

    /**
     * Verifies a signed envelope and decides what to do: a resend answers with the original receipt, a
     * new message expects its documents ({@link MessageIntake}).
     */
    public MessageIntake.Start startMessage(Caller caller, byte[] signedEnvelope) throws Refusal {
        if (caller.isSecretariat()) {
            throw new Refusal(Refusal.Reason.FORBIDDEN, "the secretariat sends messages through /api/v1/secretariat/messages");
        }
        return messages.startMessage(caller, signedEnvelope);
    }

    /** Withdraws one of the State's own filings; another State's answers as a missing one. Withdrawing twice changes nothing. */
    public void withdraw(Caller caller, String filingId, String reason) throws Refusal {
        if (caller.isSecretariat()) {
            throw new Refusal(Refusal.Reason.FORBIDDEN, "a State withdraws its own filings; the secretariat withdraws at a State's"
                    + " request with the admin CLI");
        }
        String state = requireState(caller);
        if (!FilingIds.isWellFormed(filingId)) {
            throw new Refusal(Refusal.Reason.NOT_FOUND, "no filing with id " + FilingRules.printable(filingId) + " of " + state);
        }
        StoreCalls.act(() -> {
            release.withdraw(filingId, state, caller.account(), caller.source(), reason == null || reason.isBlank() ? null : reason.strip());
            return null;
        });
    }

    // ---- the State's own filings ------------------------------------------------------------------

    /** Every filing of the caller's State, oldest first. */
    public List<Filing> ownFilings(Caller caller) throws Refusal {
        String state = requireState(caller);
        return Filing.all(StoreCalls.read(store, tx -> tx.filings().list(FilingQuery.ofState(state))));
    }

    /** One filing of the caller's State (empty for another State's, as for a missing one). */
    public Optional<Filing> ownFiling(Caller caller, String filingId) throws Refusal {
        String state = requireState(caller);
        return own(state, filingId).map(Filing::of);
    }

    /** The filing a drop-folder path shows: the newest of that name in that folder, unless it was withdrawn. */
    public Optional<Filing> currentInFolder(Caller caller, String reportType, ConfidentialityLevel level, String name) throws Refusal {
        String state = requireState(caller);
        return StoreCalls.read(store, tx -> tx.filings().currentByName(state, reportType, level.wireName(), name)).map(Filing::of)
                .filter(f -> !f.status().equals(ReleaseService.WITHDRAWN));
    }

    /**
     * What a drop folder lists: the newest filing under each name filed there, in filing order; a
     * superseded version is not listed, nor is a withdrawn one (the secretariat keeps both).
     */
    public List<Filing> folder(Caller caller, String reportType, ConfidentialityLevel level) throws Refusal {
        java.util.Map<String, Filing> byName = new java.util.LinkedHashMap<>();
        for (Filing f : current(ownFilings(caller))) { // oldest first, so later ones win
            if (f.reportType().equals(reportType) && f.level() == level) {
                byName.remove(f.fileName());
                byName.put(f.fileName(), f);
            }
        }
        byName.values().removeIf(f -> f.status().equals(ReleaseService.WITHDRAWN));
        return List.copyOf(byName.values());
    }

    /** The filings no other filing of the list supersedes: each document's current version. */
    static List<Filing> current(List<Filing> filings) {
        java.util.Set<String> superseded = new java.util.HashSet<>();
        filings.forEach(f -> {
            if (f.supersedes() != null) {
                superseded.add(f.supersedes());
            }
        });
        return filings.stream().filter(f -> !superseded.contains(f.id())).toList();
    }

    /** The signed receipt of one of the State's filings. */
    public Optional<byte[]> receipt(Caller caller, String filingId) throws Refusal {
        String state = requireState(caller);
        if (own(state, filingId).isEmpty()) {
            return Optional.empty();
        }
        return StoreCalls.read(store, tx -> tx.filings().receipt(filingId));
    }

    /** How one of the State's own filings was decided (held with a reason, released, withdrawn), oldest first. */
    public List<Filing.Decision> decisions(Caller caller, String filingId) throws Refusal {
        String state = requireState(caller);
        if (own(state, filingId).isEmpty()) {
            return List.of();
        }
        return StoreCalls.call(() -> release.history(filingId)).stream()
                .map(d -> new Filing.Decision(d.status(), d.actor(), d.reason(), d.decidedAt())).toList();
    }

    /**
     * One obligation of the caller's State: the report type, the period (null for the initial report), its due date and
     * how the State stands.
     */
    public record Obligation(String reportType, String period, LocalDate due, StateStatus.Outcome outcome, java.time.Instant filedAt) {
    }

    /**
     * The caller's State's obligations whose due date falls in the last {@code cycles} calendar years (this one
     * included), newest first, as the obligations calendar has them ({@link Obligations#ofState}): each annual report, a
     * report of several years only in the years it falls due, and its initial report (due a year after the treaty entered
     * into force for it) whenever that is; on time, late, missing or not yet due. Empty for a signatory.
     */
    public List<Obligation> obligations(Caller caller, int cycles) throws Refusal {
        String state = requireState(caller);
        int thisYear = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).getYear();
        LocalDate from = LocalDate.of(thisYear - cycles + 1, 1, 1);
        LocalDate to = LocalDate.of(thisYear, 12, 31);
        return StoreCalls.call(() -> obligations.ofState(state, from, to)).stream()
                .map(s -> new Obligation(s.reportType(), s.period(), s.due(), s.outcome(), s.filedAt())).toList();
    }

    /** The configured report types, in configuration order. */
    public List<String> reportTypes() {
        return rules.reportTypes();
    }

    /** A State as a form offers it. */
    public record StateChoice(String code, String name) {
    }

    /** The States Parties other than the caller's: those a filing or an instruction may name. */
    public List<StateChoice> otherStatesParties(Caller caller) throws Refusal {
        String state = requireState(caller);
        return registry.current().statesParties().stream().filter(s -> !s.code().equals(state))
                .map(s -> new StateChoice(s.code(), s.name())).toList();
    }

    /**
     * Sets (or, with {@code level} null, withdraws) the State's standing instruction for a report type:
     * the level its filings get when they say none. Checked by the same rules as a signed instruction
     * message; recorded and audited the same way, under a generated instruction id.
     */
    public void setInstruction(Caller caller, String reportType, ConfidentialityLevel level, List<String> named) throws Refusal {
        String state = requireState(caller);
        rules.reportType(reportType);
        List<String> n = level == ConfidentialityLevel.NAMED ? List.copyOf(named) : List.of();
        rules.instruction(state, level, n);
        String id = caller.channel().wireName() + "-" + java.util.UUID.randomUUID();
        java.time.Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        try {
            store.inTransaction(tx -> {
                tx.instructions().put(new InstructionRecords.SetInstruction(state, reportType, level, n, id, caller.account(), at));
                audit.append(tx, AuditEvent.ok("instruction.set", caller.account(), caller.source(), id)
                        .withDetail("state", state)
                        .withDetail("reportType", reportType)
                        .withDetail("level", level == null ? "withdrawn" : level.wireName())
                        .withDetail("namedStates", String.join(",", n))
                        .withDetail("channel", caller.channel().wireName()));
                return null;
            });
        } catch (StoreException e) {
            throw StoreCalls.unavailable(e);
        }
    }

    // ---- notices of refused uploads ----------------------------------------------------------------

    /** The notices of the caller's State's refused uploads that have not expired, oldest first. */
    public List<RefusalNotice> refusalNotices(Caller caller) throws Refusal {
        return notices.of(requireState(caller));
    }

    /** One notice of the caller's State by its file name (empty once expired, or for another State's). */
    public Optional<RefusalNotice> refusalNotice(Caller caller, String fileName) throws Refusal {
        return notices.find(requireState(caller), fileName);
    }

    // ---- what reached the State --------------------------------------------------------------------

    /**
     * Released, not withdrawn filings distributed to the caller's State, oldest first; of a document
     * released in several versions, only the current one.
     */
    public List<Filing> distributed(Caller caller) throws Refusal {
        String state = requireState(caller);
        return current(Filing.all(StoreCalls.call(() -> release.distributedTo(state))));
    }

    /** Released, not withdrawn public filings, oldest first; of a document released in several versions, only the current one. */
    public List<Filing> publicFilings(Caller caller) throws Refusal {
        requireState(caller);
        return current(Filing.all(StoreCalls.call(release::publicFilings)));
    }

    /**
     * Opens a document the caller's State may read — its own filing, one distributed to it, or a public
     * one — decrypted; audited as a download. Anything else answers as a missing document.
     */
    public SeekableByteChannel openDocument(Caller caller, String filingId) throws Refusal {
        String state = requireState(caller);
        Optional<FilingRecord> readable = own(state, filingId);
        if (readable.isEmpty()) {
            readable = StoreCalls.call(() -> release.distributedTo(state)).stream().filter(r -> r.id().equals(filingId)).findFirst();
        }
        if (readable.isEmpty()) {
            readable = StoreCalls.call(release::publicFilings).stream().filter(r -> r.id().equals(filingId)).findFirst();
        }
        FilingRecord f = readable.orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such document"));
        return filings.openDocument(f, caller.account(), caller.source());
    }

    // ---- the inbound queue -------------------------------------------------------------------------

    /** Unacknowledged entries with seq greater than {@code after}, oldest first, at most {@code limit} (1 to 1000). */
    public List<InboxEntry> inbox(Caller caller, long after, int limit) throws Refusal {
        String state = requireState(caller);
        return StoreCalls.read(store, tx -> tx.inbox().list(state, Math.max(0, after), Math.max(1, Math.min(limit, 1000)), false)).stream()
                .map(StateDesk::entry).toList();
    }

    /** Every entry of the queue, acknowledged or not, with the size of its signed item (for a folder listing). */
    public List<Queued> allQueued(Caller caller) throws Refusal {
        String state = requireState(caller);
        return StoreCalls.read(store, tx -> tx.inbox().list(state, 0, 10_000, true)).stream().map(e -> new Queued(entry(e), e.itemSize())).toList();
    }

    /** An inbox entry with the size of its signed item. */
    public record Queued(InboxEntry entry, long size) {
    }

    /** The server-signed CMS of one entry of the caller's State's queue; audited. */
    public byte[] inboxItem(Caller caller, long seq) throws Refusal {
        String state = requireState(caller);
        InboxRecords.InboxEntry entry = StoreCalls.read(store, tx -> tx.inbox().get(state, seq))
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such inbox entry"));
        byte[] item;
        try {
            DocumentKey key = StoreCalls.read(store, tx -> tx.documentKeys().byBlobId(entry.itemBlobId()))
                    .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such inbox entry"));
            try (InputStream in = vault.openStream(key)) {
                item = in.readAllBytes();
            }
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the inbox item could not be read", e);
        }
        audit.recordQuietly(AuditEvent.ok("inbox.read", caller.account(), caller.source(), entry.itemId())
                .withDetail("seq", Long.toString(seq)).withDetail("channel", caller.channel().wireName()));
        return item;
    }

    /** A document attached to a secretariat message: its position, name, size and SHA-256 (as the signed item names it). */
    public record MessageAttachment(long seq, int index, String fileName, long size, String sha256) {
    }

    /** The attachments of one secretariat message in the caller's State's queue, in order (none for other entries). */
    public List<MessageAttachment> messageAttachments(Caller caller, long seq) throws Refusal {
        String state = requireState(caller);
        Optional<InboxRecords.InboxEntry> entry = StoreCalls.read(store, tx -> tx.inbox().get(state, seq));
        if (entry.isEmpty() || !entry.get().kind().equals("secretariat-message")) {
            return List.of();
        }
        return StoreCalls.read(store, tx -> tx.attachments().of(entry.get().itemId())).stream()
                .map(a -> new MessageAttachment(seq, a.index(), a.fileName(), a.size(), a.sha256())).toList();
    }

    /** One attachment of a secretariat message in the caller's State's queue, decrypted; audited as a download. */
    public SeekableByteChannel openMessageAttachment(Caller caller, long seq, int index) throws Refusal {
        String state = requireState(caller);
        InboxRecords.InboxEntry entry = StoreCalls.read(store, tx -> tx.inbox().get(state, seq))
                .filter(e -> e.kind().equals("secretariat-message"))
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such attachment"));
        var attachment = StoreCalls.read(store, tx -> tx.attachments().of(entry.itemId())).stream().filter(a -> a.index() == index).findFirst()
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such attachment"));
        try {
            DocumentKey key = StoreCalls.read(store, tx -> tx.documentKeys().byBlobId(attachment.blobId()))
                    .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such attachment"));
            // audited before a byte is read: a download that cannot be audited does not happen
            audit.record(AuditEvent.ok("secretariat-message.attachment-read", caller.account(), caller.source(), entry.itemId())
                    .withDetail("seq", Long.toString(seq)).withDetail("attachment", attachment.fileName())
                    .withDetail("channel", caller.channel().wireName()));
            return vault.openReadOnly(key, attachment.size());
        } catch (IOException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the attachment could not be read", e);
        }
    }

    /** Marks an entry read; it no longer appears in {@link #inbox}. Idempotent. */
    public void acknowledge(Caller caller, long seq) throws Refusal {
        String state = requireState(caller);
        boolean found;
        try {
            found = store.inTransaction(tx -> {
                boolean ok = tx.inbox().acknowledge(state, seq, clock.instant().truncatedTo(ChronoUnit.MILLIS));
                if (ok) {
                    audit.append(tx, AuditEvent.ok("inbox.acknowledged", caller.account(), caller.source(),
                            Long.toString(seq)));
                }
                return ok;
            });
        } catch (StoreException e) {
            throw StoreCalls.unavailable(e);
        }
        if (!found) {
            throw new Refusal(Refusal.Reason.NOT_FOUND, "no such inbox entry");
        }
    }

    // ---- what a State Party reads ------------------------------------------------------------------

    /** Whether the caller's State is a State Party (signatories receive no redistribution and no contact list). */
    public boolean isStateParty(Caller caller) {
        return caller.state() != null && registry.current().state(caller.state()).map(StateEntry::isStateParty).orElse(false);
    }

    /** The national points of contact (text), for States Parties only; audited. */
    public byte[] contacts(Caller caller) throws Refusal {
        requireState(caller);
        if (!isStateParty(caller)) {
            throw new Refusal(Refusal.Reason.FORBIDDEN, "the points of contact are for States Parties only");
        }
        byte[] list = StoreCalls.call(reports::contactListDocument);
        audit.recordQuietly(AuditEvent.ok("contacts.read", caller.account(), caller.source(), "-")
                .withDetail("channel", caller.channel().wireName()));
        return list;
    }

    /** The confidentiality in force for the State's filings that say no level. */
    public List<StandingInstructions.InForce> instructions(Caller caller) throws Refusal {
        String state = requireState(caller);
        List<StandingInstructions.InForce> rows = StoreCalls.call(() -> instructions.inForce(state));
        audit.recordQuietly(AuditEvent.ok("instructions.read", caller.account(), caller.source(), state)
                .withDetail("channel", caller.channel().wireName()));
        return rows;
    }

    // ---- shared ------------------------------------------------------------------------------------

    static String requireState(Caller caller) throws Refusal {
        return caller.requireState();
    }

    private Optional<FilingRecord> own(String state, String filingId) throws Refusal {
        if (!FilingIds.isWellFormed(filingId)) {
            return Optional.empty();
        }
        return StoreCalls.read(store, tx -> tx.filings().byId(filingId)).filter(f -> f.state().equals(state));
    }

    /** The manifest slot of a document: its State, report type, folder ({@code -} for the report type's own) and name. */
    static ManifestRecords.Slot slot(String state, String reportType, ConfidentialityLevel level, String name) {
        return new ManifestRecords.Slot(state, reportType, level == null ? Manifests.NO_FOLDER : level.wireName(), name);
    }

    /**
     * Without a manifest an annual report is taken to cover the previous calendar year (the treaty's
     * practice: reports on the previous year, due by 31 May); a manifest says otherwise.
     */
    private String impliedPeriod(String reportType) {
        if (reportType.equals("annual-report") || reportType.equals("nil-annual-report")) {
            return Integer.toString(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).getYear() - 1);
        }
        return null;
    }

    private static InboxEntry entry(InboxRecords.InboxEntry e) {
        return new InboxEntry(e.seq(), e.kind(), e.itemId(), e.title(), e.createdAt());
    }
}
