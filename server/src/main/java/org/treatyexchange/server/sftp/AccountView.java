package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.sftp.common.SftpConstants;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.filing.FilingException;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.filing.Manifests;
import org.treatyexchange.server.filing.Submission;
import org.treatyexchange.sdk.wire.Manifest;
import org.treatyexchange.server.store.ManifestRecords;
import org.treatyexchange.server.messages.MessageException;
import org.treatyexchange.server.messages.MessageService;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.store.InboxRecords;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;

/**
 * The virtual tree one authenticated account sees. A State's account:
 * <pre>
 * /submit/&lt;report-type&gt;/&lt;level&gt;/   drop documents here; lists this State's current filings there
 * /submit/&lt;report-type&gt;/           or here, saying no level: the State's standing instruction applies;
 *                                    the filing is then listed in the folder of the level applied
 * /receipts/&lt;filing-id&gt;.p7s         signed receipt of each of this State's filings
 * /distributed/                      what the secretariat passed on to this State
 * /public/                           what States chose to make public
 * /withdraw/                         write a file named &lt;filing-id&gt; (text: the reason) to withdraw that filing
 * </pre>
 * The secretariat: {@code /filings/<STATE>/<filing-id>/<file name>} and {@code .../receipt.p7s}, read-only.
 * Every path is resolved here against the store; nothing maps to a host path.
 */
final class AccountView {

    /** Levels a State can choose by folder; {@code named} needs a manifest listing the States (else: secretariat, for review). */
    static final List<ConfidentialityLevel> FOLDER_LEVELS = List.of(ConfidentialityLevel.PUBLIC, ConfidentialityLevel.STATES_PARTIES,
            ConfidentialityLevel.SECRETARIAT, ConfidentialityLevel.NAMED);

    static final String RECEIPT_SUFFIX = ".p7s";
    /** The manifest slot's folder for a document dropped into {@code /submit/<report-type>/} itself. */
    static final String NO_FOLDER = "-";
    static final String SECRETARIAT_RECEIPT_NAME = "receipt.p7s";

    private final SessionIdentity identity;
    private final List<String> reportTypes;
    private final List<String> stateCodes;
    private final FilingService filings;
    private final MessageService messages;
    private final ReleaseService release;
    private final Manifests manifests;
    private final Reports reports;
    private final boolean stateParty;
    private final int maxFileNameBytes;
    private final Instant mounted = Instant.now();

    AccountView(SessionIdentity identity, List<String> reportTypes, List<String> stateCodes, FilingService filings,
            MessageService messages, ReleaseService release, Manifests manifests, Reports reports, boolean stateParty,
            int maxFileNameBytes) {
        this.reports = reports;
        this.stateParty = stateParty;
        this.identity = identity;
        this.reportTypes = List.copyOf(reportTypes);
        this.stateCodes = List.copyOf(stateCodes);
        this.filings = filings;
        this.messages = messages;
        this.release = release;
        this.manifests = manifests;
        this.maxFileNameBytes = maxFileNameBytes;
    }

    SessionIdentity identity() {
        return identity;
    }

    /** What a path names; {@link NoSuchFileException} when nothing (the same answer whatever the reason). */
    Node resolve(DropBoxPath path) throws IOException {
        List<String> s = path.segments();
        return identity.secretariat() ? resolveSecretariat(path, s) : resolveState(path, s);
    }

    /** The names in a folder, in a stable order. */
    List<String> list(DropBoxPath path) throws IOException {
        List<String> s = path.segments();
        Node node = resolve(path);
        if (!(node instanceof Node.Folder)) {
            throw new java.nio.file.NotDirectoryException(path.toString());
        }
        return identity.secretariat() ? listSecretariat(s) : listState(s);
    }

    // ---- a State's tree -------------------------------------------------------------------------

    private Node resolveState(DropBoxPath path, List<String> s) throws IOException {
        if (s.isEmpty()) {
            return folder();
        }
        switch (s.get(0)) {
            case "submit":
                if (s.size() == 1) {
                    return folder();
                }
                if (!reportTypes.contains(s.get(1))) {
                    break;
                }
                if (s.size() == 2) {
                    return new Node.Folder(mounted, true);
                }
                Optional<ConfidentialityLevel> level = folderLevel(s.get(2));
                if (level.isEmpty()) {
                    break;
                }
                if (s.size() == 3) {
                    return new Node.Folder(mounted, true);
                }
                if (s.size() == 4) {
                    // one indexed lookup: the stock client stats every file it puts (bench part b)
                    Optional<FilingRecord> current = currentFiling(s.get(1), level.get(), s.get(3));
                    if (current.isPresent()) {
                        return new Node.Document(current.get());
                    }
                }
                break;
            case "withdraw":
                if (s.size() == 1) {
                    return new Node.Folder(mounted, true);
                }
                break;
            case "receipts":
                if (s.size() == 1) {
                    return folder();
                }
                if (s.size() == 2 && s.get(1).endsWith(RECEIPT_SUFFIX)) {
                    Optional<Node> receipt = receiptOf(s.get(1).substring(0, s.get(1).length() - RECEIPT_SUFFIX.length()), identity.state());
                    if (receipt.isPresent()) {
                        return receipt.get();
                    }
                }
                break;
            case "distributed":
                if (s.size() == 1) {
                    return folder();
                }
                if (s.size() == 2 && stateParty && s.get(1).equals(CONTACTS_FILE)) {
                    return new Node.Generated(contactList(), mounted);
                }
                if (s.size() == 2) {
                    Optional<Node> item = inboxFile(s.get(1));
                    if (item.isPresent()) {
                        return item.get();
                    }
                    Optional<FilingRecord> filing = byReleasedName(distributed(), s.get(1));
                    if (filing.isPresent()) {
                        return new Node.Document(filing.get());
                    }
                }
                break;
            case "public":
                if (s.size() == 1) {
                    return folder();
                }
                if (s.size() == 2) {
                    Optional<FilingRecord> filing = byReleasedName(publicFilings(), s.get(1));
                    if (filing.isPresent()) {
                        return new Node.Document(filing.get());
                    }
                }
                break;
            default:
                break;
        }
        throw new NoSuchFileException(path.toString());
    }

    private List<String> listState(List<String> s) throws IOException {
        if (s.isEmpty()) {
            return List.of("submit", "receipts", "distributed", "public", "withdraw");
        }
        switch (s.get(0)) {
            case "withdraw":
                return List.of();
            case "submit":
                if (s.size() == 1) {
                    return reportTypes;
                }
                if (s.size() == 2) {
                    return FOLDER_LEVELS.stream().map(ConfidentialityLevel::wireName).toList();
                }
                return new ArrayList<>(currentFilings(s.get(1), folderLevel(s.get(2)).orElseThrow()).keySet());
            case "receipts":
                return stateFilings(identity.state()).stream().map(f -> f.id() + RECEIPT_SUFFIX).toList();
            case "distributed": {
                List<String> names = new ArrayList<>(inboxEntries().stream().map(AccountView::inboxFileName).toList());
                distributed().forEach(f -> names.add(releasedName(f)));
                if (stateParty) {
                    names.add(CONTACTS_FILE);
                }
                return names;
            }
            case "public":
                return publicFilings().stream().map(AccountView::releasedName).toList();
            default:
                return List.of();
        }
    }

    /** The newest filing under each name in one drop folder (superseded versions are not listed). */
    private Map<String, FilingRecord> currentFilings(String reportType, ConfidentialityLevel level) throws IOException {
        Map<String, FilingRecord> byName = new LinkedHashMap<>();
        List<FilingRecord> all = stateFilings(identity.state());
        java.util.Set<String> superseded = new java.util.HashSet<>();
        all.forEach(f -> {
            if (f.supersedes() != null) {
                superseded.add(f.supersedes());
            }
        });
        for (FilingRecord f : all) { // oldest first, so later ones win
            if (f.reportType().equals(reportType) && f.level() == level && !superseded.contains(f.id())) {
                byName.remove(f.fileName());
                byName.put(f.fileName(), f);
            }
        }
        return byName;
    }

    /** The level a drop folder stands for; empty for any other name. */
    private static Optional<ConfidentialityLevel> folderLevel(String name) {
        return ConfidentialityLevel.fromWireName(name).filter(FOLDER_LEVELS::contains);
    }

    /** The national points of contact, generated for States Parties only (never public, never signatories). */
    static final String CONTACTS_FILE = "points-of-contact.txt";

    private byte[] contactList() throws IOException {
        try {
            return reports.contactListDocument();
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw DropBoxException.failure("the store is unavailable");
        }
    }

    /** How a released filing's document is named where States see it: its id, then its own name. */
    static String releasedName(FilingRecord f) {
        return f.id() + "--" + f.fileName();
    }

    private static Optional<FilingRecord> byReleasedName(List<FilingRecord> filings, String name) {
        return filings.stream().filter(f -> releasedName(f).equals(name)).findFirst();
    }

    private List<FilingRecord> distributed() throws IOException {
        try {
            return release.distributedTo(identity.state());
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw DropBoxException.failure("the store is unavailable");
        }
    }

    private List<FilingRecord> publicFilings() throws IOException {
        try {
            return release.publicFilings();
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw DropBoxException.failure("the store is unavailable");
        }
    }

    /** {@code /distributed/} names: queue position first, so a listing reads in arrival order. */
    static String inboxFileName(InboxRecords.InboxEntry e) {
        return String.format(java.util.Locale.ROOT, "%08d-%s%s", e.seq(), e.kind(), RECEIPT_SUFFIX);
    }

    private List<InboxRecords.InboxEntry> inboxEntries() throws IOException {
        try {
            return messages.allEntries(identity.state());
        } catch (MessageException e) {
            throw DropBoxException.failure("the inbound queue is unavailable");
        }
    }

    private Optional<Node> inboxFile(String name) throws IOException {
        for (InboxRecords.InboxEntry e : inboxEntries()) {
            if (inboxFileName(e).equals(name)) {
                return Optional.of(new Node.InboxFile(e.seq(), e.createdAt(), e.itemSize()));
            }
        }
        return Optional.empty();
    }

    // ---- the secretariat's tree -----------------------------------------------------------------

    private Node resolveSecretariat(DropBoxPath path, List<String> s) throws IOException {
        if (s.isEmpty() || (s.size() == 1 && s.get(0).equals("filings"))) {
            return folder();
        }
        if (s.get(0).equals("pending")) {
            if (s.size() == 1) {
                return folder();
            }
            if (s.size() == 2 && s.get(1).endsWith(".json")) {
                String id = s.get(1).substring(0, s.get(1).length() - ".json".length());
                if (awaiting().contains(id)) {
                    return new Node.Generated(pendingDescription(id), mounted);
                }
            }
        }
        if ((s.get(0).equals("release") || s.get(0).equals("hold")) && s.size() == 1) {
            return new Node.Folder(mounted, true); // write a file named after the filing id here to act on it
        }
        if (s.get(0).equals("filings") && stateCodes.contains(s.get(1))) {
            if (s.size() == 2) {
                return folder();
            }
            Optional<FilingRecord> filing = filingOf(s.get(2), s.get(1));
            if (filing.isPresent()) {
                FilingRecord f = filing.get();
                if (s.size() == 3) {
                    return new Node.Folder(f.receivedAt(), false);
                }
                if (s.size() == 4 && s.get(3).equals(f.fileName())) {
                    return new Node.Document(f);
                }
                if (s.size() == 4 && s.get(3).equals(SECRETARIAT_RECEIPT_NAME)) {
                    Optional<Node> receipt = receiptOf(f.id(), f.state());
                    if (receipt.isPresent()) {
                        return receipt.get();
                    }
                }
            }
        }
        throw new NoSuchFileException(path.toString());
    }

    private List<String> listSecretariat(List<String> s) throws IOException {
        if (s.isEmpty()) {
            return List.of("filings", "pending", "release", "hold");
        }
        if (s.get(0).equals("pending")) {
            return awaiting().stream().map(id -> id + ".json").toList();
        }
        if (s.get(0).equals("release") || s.get(0).equals("hold")) {
            return List.of();
        }
        if (s.size() == 1) {
            return stateCodes;
        }
        if (s.size() == 2) {
            return stateFilings(s.get(1)).stream().map(FilingRecord::id).toList();
        }
        FilingRecord f = filingOf(s.get(2), s.get(1)).orElseThrow(() -> new NoSuchFileException(s.get(2)));
        return List.of(f.fileName(), SECRETARIAT_RECEIPT_NAME);
    }

    private List<String> awaiting() throws IOException {
        try {
            return release.awaitingDecision();
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw DropBoxException.failure("the store is unavailable");
        }
    }

    /** What {@code /pending/<id>.json} shows: the filing and the plan a release would execute. */
    private byte[] pendingDescription(String id) throws IOException {
        try {
            ReleaseService.Planned planned = release.planned(id).orElseThrow(() -> new NoSuchFileException(id));
            return org.treatyexchange.server.release.FilingJson.describe(planned).toPrettyString()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw DropBoxException.failure("the store is unavailable");
        }
    }

    /**
     * The secretariat acts by writing a file named after a filing id ({@code <id>} or {@code <id>.txt}):
     * into {@code /release/} to release it, into {@code /hold/} to hold it (the file's text is the reason).
     */
    private ActionChannel openAction(List<String> s) throws IOException {
        if (s.size() != 2 || !(s.get(0).equals("release") || s.get(0).equals("hold"))) {
            throw DropBoxException.denied("the secretariat writes only into /release/ and /hold/");
        }
        String id = actionFileId(s.get(1));
        if (!awaiting().contains(id)) {
            throw DropBoxException.noSuchFile();
        }
        boolean hold = s.get(0).equals("hold");
        return releaseAction(content -> {
            if (hold) {
                release.hold(id, content.strip(), identity.account(), identity.source());
            } else {
                release.release(id, identity.account(), identity.source());
            }
        });
    }

    /**
     * A State withdraws one of its own filings by writing {@code /withdraw/<filing-id>} (or
     * {@code <filing-id>.txt}) with the reason as text; it happens when the client closes the file.
     * Another State's filing answers like a missing one.
     */
    private ActionChannel openWithdrawal(String name) throws IOException {
        String id = actionFileId(name);
        if (filingOf(id, identity.state()).isEmpty()) {
            throw DropBoxException.noSuchFile();
        }
        return releaseAction(content -> release.withdraw(id, identity.state(), identity.account(), identity.source(),
                content.isBlank() ? null : content.strip()));
    }

    /** The filing id an action file names: {@code <id>} or {@code <id>.txt}. */
    private static String actionFileId(String name) {
        return name.endsWith(".txt") ? name.substring(0, name.length() - 4) : name;
    }

    /** A decision of the release service, taken when the client closes an action file. */
    @FunctionalInterface
    private interface ReleaseAct {
        void run(String content) throws org.treatyexchange.server.release.ReleaseService.ReleaseException,
                org.treatyexchange.server.store.StoreException;
    }

    /** An action file whose decision's refusal is the SFTP answer to the close. */
    private static ActionChannel releaseAction(ReleaseAct act) {
        return new ActionChannel(content -> {
            try {
                act.run(content);
            } catch (org.treatyexchange.server.release.ReleaseService.ReleaseException e) {
                throw DropBoxException.denied(e.getMessage());
            } catch (org.treatyexchange.server.store.StoreException e) {
                throw DropBoxException.failure("the store is unavailable; nothing was done");
            }
        });
    }

    // ---- shared ---------------------------------------------------------------------------------

    private Node folder() {
        return new Node.Folder(mounted, false);
    }

    private Optional<FilingRecord> currentFiling(String reportType, ConfidentialityLevel level, String fileName) throws IOException {
        try {
            return filings.currentByName(identity.state(), reportType, level, fileName);
        } catch (FilingException e) {
            throw SafeStatus.toSftp(e);
        }
    }

    private List<FilingRecord> stateFilings(String state) throws IOException {
        try {
            return filings.list(FilingQuery.ofState(state));
        } catch (FilingException e) {
            throw SafeStatus.toSftp(e);
        }
    }

    private Optional<FilingRecord> filingOf(String id, String state) throws IOException {
        try {
            return filings.byId(id).filter(f -> f.state().equals(state));
        } catch (FilingException e) {
            throw SafeStatus.toSftp(e);
        }
    }

    private Optional<Node> receiptOf(String filingId, String state) throws IOException {
        Optional<FilingRecord> filing = filingOf(filingId, state);
        if (filing.isEmpty()) {
            return Optional.empty();
        }
        try {
            return filings.receipt(filingId).map(cms -> new Node.ReceiptFile(filing.get(), cms));
        } catch (FilingException e) {
            throw SafeStatus.toSftp(e);
        }
    }

    /** Opens a document or receipt for reading. */
    SeekableByteChannel openRead(Node node) throws IOException {
        if (node instanceof Node.ReceiptFile r) {
            return new ReadOnlyBytesChannel(r.signedReceipt());
        }
        if (node instanceof Node.Generated g) {
            return new ReadOnlyBytesChannel(g.content());
        }
        if (node instanceof Node.InboxFile i) {
            try {
                return new ReadOnlyBytesChannel(messages.readItem(identity.state(), i.seq(), identity.account(), identity.source()));
            } catch (MessageException e) {
                throw e.reason() == MessageException.Reason.NOT_FOUND ? DropBoxException.noSuchFile()
                        : DropBoxException.failure("the inbound queue is unavailable");
            }
        }
        if (node instanceof Node.Document d) {
            try {
                return filings.openDocument(d.filing(), identity.account(), identity.source());
            } catch (FilingException e) {
                throw SafeStatus.toSftp(e);
            }
        }
        throw new DropBoxException(SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY, "Is a directory");
    }

    /**
     * Starts an upload to {@code /submit/<report-type>/<level>/<name>}, or to
     * {@code /submit/<report-type>/<name>} (no level said: the standing instruction applies): the only
     * writable places besides {@code /withdraw/}.
     */
    java.nio.channels.SeekableByteChannel openUpload(DropBoxPath path) throws IOException {
        if (path.hasParentReference()) {
            throw DropBoxException.denied("upload paths may not contain '..'");
        }
        if (identity.secretariat()) {
            return openAction(path.segments());
        }
        List<String> s = path.segments();
        if (s.size() == 2 && s.get(0).equals("withdraw")) {
            return openWithdrawal(s.get(1));
        }
        // /submit/<type>/<level>/<name> says its level by its folder; /submit/<type>/<name> says none.
        boolean inLevelFolder = s.size() == 4 && folderLevel(s.get(2)).isPresent();
        boolean inTypeFolder = s.size() == 3 && folderLevel(s.get(2)).isEmpty();
        if (!(inLevelFolder || inTypeFolder) || !s.get(0).equals("submit") || !reportTypes.contains(s.get(1))) {
            throw DropBoxException.denied("documents can only be uploaded into /submit/<report-type>/ or /submit/<report-type>/<level>/");
        }
        String name = FileNames.validate(s.get(s.size() - 1), maxFileNameBytes);
        ConfidentialityLevel folder = inLevelFolder ? folderLevel(s.get(2)).orElseThrow() : null;
        String slotFolder = folder == null ? NO_FOLDER : folder.wireName();
        if (name.endsWith(Manifest.SUFFIX) && name.length() > Manifest.SUFFIX.length()) {
            ManifestRecords.Slot slot = new ManifestRecords.Slot(identity.state(), s.get(1), slotFolder,
                    name.substring(0, name.length() - Manifest.SUFFIX.length()));
            return new ActionChannel(json -> {
                try {
                    manifests.receive(slot, identity.account(), identity.source(), json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (FilingException e) {
                    throw SafeStatus.toSftp(e);
                }
            }, Manifest.MAX_BYTES);
        }
        try {
            Optional<Manifests.Applied> manifest = manifests.waitingFor(
                    new ManifestRecords.Slot(identity.state(), s.get(1), slotFolder, name));
            Submission plain = new Submission(identity.state(), identity.account(), identity.keyFingerprint(), "sftp", identity.source(),
                    name, s.get(1), impliedPeriod(s.get(1)), folder, List.of(), false);
            return new UploadChannel(filings.begin(manifest.map(m -> m.applyTo(plain)).orElse(plain)));
        } catch (FilingException e) {
            throw SafeStatus.toSftp(e);
        }
    }

    /**
     * Without a manifest an annual report dropped in year Y is taken to cover Y-1 (the treaty's
     * practice: reports on the previous calendar year, due by 31 May); a manifest says otherwise.
     */
    private static String impliedPeriod(String reportType) {
        if (reportType.equals("annual-report") || reportType.equals("nil-annual-report")) {
            return Integer.toString(java.time.LocalDate.now(java.time.ZoneOffset.UTC).getYear() - 1);
        }
        return null;
    }
}
