package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.wire.Manifest;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.RefusalNotice;
import org.treatyexchange.server.application.StateDesk;

/**
 * The tree a State's account sees:
 * <pre>
 * /submit/&lt;report-type&gt;/&lt;level&gt;/   drop documents here; lists this State's current filings there
 * /submit/&lt;report-type&gt;/           or here, saying no level: the State's standing instruction applies;
 *                                    the filing is then listed in the folder of the level applied
 * /receipts/&lt;filing-id&gt;.p7s         signed receipt of each of this State's filings
 * /receipts/refused/&lt;time&gt;-…txt     a notice of each refused upload: what, when, why, what to do
 * /distributed/                      what the secretariat passed on to this State
 * /public/                           what States chose to make public
 * /withdraw/                         write a file named &lt;filing-id&gt; (text: the reason) to withdraw that filing
 * </pre>
 * Decode the path, ask the {@link StateDesk}, answer.
 */
final class StateTree implements AccountView {

    /** The national points of contact, generated for States Parties only (never public, never signatories). */
    static final String CONTACTS_FILE = "points-of-contact.txt";
    /** Under {@code /receipts/}: the notices of refused uploads, kept for a configured time. */
    static final String REFUSED_FOLDER = "refused";

    private final Caller caller;
    private final StateDesk desk;
    private final List<String> reportTypes;
    private final boolean stateParty;
    private final Instant mounted = Instant.now();

    StateTree(Caller caller, StateDesk desk, List<String> reportTypes) {
        this.caller = caller;
        this.desk = desk;
        this.reportTypes = List.copyOf(reportTypes);
        this.stateParty = desk.isStateParty(caller);
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public Node resolve(DropBoxPath path) throws IOException {
        List<String> s = path.segments();
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
                    return AccountView.folder(mounted, true);
                }
                Optional<ConfidentialityLevel> level = folderLevel(s.get(2));
                if (level.isEmpty()) {
                    break;
                }
                if (s.size() == 3) {
                    return AccountView.folder(mounted, true);
                }
                if (s.size() == 4) {
                    // one indexed lookup: the stock client stats every file it puts (bench part b)
                    Optional<Filing> current = AccountView.call(() -> desk.currentInFolder(caller, s.get(1), level.get(), s.get(3)));
                    if (current.isPresent()) {
                        return new Node.Document(current.get());
                    }
                }
                break;
            case "withdraw":
                if (s.size() == 1) {
                    return AccountView.folder(mounted, true);
                }
                break;
            case "receipts":
                if (s.size() == 1) {
                    return folder();
                }
                if (s.get(1).equals(REFUSED_FOLDER)) {
                    if (s.size() == 2) {
                        return folder();
                    }
                    if (s.size() == 3) {
                        Optional<RefusalNotice> notice = AccountView.call(() -> desk.refusalNotice(caller, s.get(2)));
                        if (notice.isPresent()) {
                            return new Node.Generated(notice.get().text(), notice.get().refusedAt());
                        }
                    }
                    break;
                }
                if (s.size() == 2 && s.get(1).endsWith(RECEIPT_SUFFIX)) {
                    Optional<Node> receipt = receiptOf(s.get(1).substring(0, s.get(1).length() - RECEIPT_SUFFIX.length()));
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
                    return new Node.Generated(AccountView.call(() -> desk.contacts(caller)), mounted);
                }
                if (s.size() == 2) {
                    Optional<Node> item = inboxFile(s.get(1));
                    if (item.isPresent()) {
                        return item.get();
                    }
                    Optional<Node> attachment = attachmentFile(s.get(1));
                    if (attachment.isPresent()) {
                        return attachment.get();
                    }
                    Optional<Filing> filing = byReleasedName(AccountView.call(() -> desk.distributed(caller)), s.get(1));
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
                    Optional<Filing> filing = byReleasedName(AccountView.call(() -> desk.publicFilings(caller)), s.get(1));
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

    @Override
    public List<String> list(DropBoxPath path) throws IOException {
        List<String> s = path.segments();
        if (!(resolve(path) instanceof Node.Folder)) {
            throw new java.nio.file.NotDirectoryException(path.toString());
        }
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
                    return UploadTarget.FOLDER_LEVELS.stream().map(ConfidentialityLevel::wireName).toList();
                }
                return AccountView.call(() -> desk.folder(caller, s.get(1), folderLevel(s.get(2)).orElseThrow())).stream()
                        .map(Filing::fileName).toList();
            case "receipts": {
                if (s.size() == 2) {
                    return AccountView.call(() -> desk.refusalNotices(caller)).stream().map(RefusalNotice::fileName).toList();
                }
                List<String> names = new ArrayList<>(List.of(REFUSED_FOLDER));
                AccountView.call(() -> desk.ownFilings(caller)).forEach(f -> names.add(f.id() + RECEIPT_SUFFIX));
                return names;
            }
            case "distributed": {
                List<String> names = new ArrayList<>();
                for (StateDesk.Queued q : queued()) {
                    names.add(inboxFileName(q.entry()));
                    attachments(q).forEach(a -> names.add(attachmentFileName(q.entry(), a.fileName())));
                }
                AccountView.call(() -> desk.distributed(caller)).forEach(f -> names.add(AccountView.releasedName(f)));
                if (stateParty) {
                    names.add(CONTACTS_FILE);
                }
                return names;
            }
            case "public":
                return AccountView.call(() -> desk.publicFilings(caller)).stream().map(AccountView::releasedName).toList();
            default:
                return List.of();
        }
    }

    @Override
    public SeekableByteChannel openStored(Node node) throws IOException {
        if (node instanceof Node.InboxFile i) {
            return new ReadOnlyBytesChannel(AccountView.call(() -> desk.inboxItem(caller, i.seq())));
        }
        if (node instanceof Node.MessageAttachment a) {
            return AccountView.call(() -> desk.openMessageAttachment(caller, a.seq(), a.index()));
        }
        if (!(node instanceof Node.Document d)) {
            throw DropBoxException.noSuchFile();
        }
        return AccountView.call(() -> desk.openDocument(caller, d.filing().id()));
    }

    /**
     * Starts an upload to {@code /submit/<report-type>/<level>/<name>} or {@code /submit/<report-type>/<name>}
     * (no level said: the standing instruction applies), a manifest {@code <name>.manifest.json} for the
     * document to come, or a withdrawal in {@code /withdraw/}.
     */
    @Override
    public SeekableByteChannel openUpload(DropBoxPath path) throws IOException {
        UploadTarget target = UploadTarget.of(path.segments()).orElseThrow(() -> DropBoxException.denied(
                "documents can only be uploaded into /submit/<report-type>/ or /submit/<report-type>/<level>/"));
        if (target instanceof UploadTarget.Withdrawal w) {
            if (AccountView.call(() -> desk.ownFiling(caller, w.filingId())).isEmpty()) {
                throw DropBoxException.noSuchFile();
            }
            return AccountView.action(content -> desk.withdraw(caller, w.filingId(), content), ActionChannel.MAX_BYTES);
        }
        if (target instanceof UploadTarget.ManifestFor m) {
            return AccountView.action(json -> desk.keepManifest(caller, m.reportType(), m.level(), m.document(),
                    json.getBytes(StandardCharsets.UTF_8)), Manifest.MAX_BYTES);
        }
        UploadTarget.Document d = (UploadTarget.Document) target;
        return new UploadChannel(AccountView.call(() -> desk.beginUpload(caller, d.reportType(), d.level(), d.name())));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private Node folder() {
        return AccountView.folder(mounted, false);
    }

    private static Optional<ConfidentialityLevel> folderLevel(String name) {
        return UploadTarget.folderLevel(name);
    }

    private static Optional<Filing> byReleasedName(List<Filing> filings, String name) {
        return filings.stream().filter(f -> AccountView.releasedName(f).equals(name)).findFirst();
    }

    private Optional<Node> receiptOf(String filingId) throws IOException {
        Optional<Filing> filing = AccountView.call(() -> desk.ownFiling(caller, filingId));
        if (filing.isEmpty()) {
            return Optional.empty();
        }
        return AccountView.call(() -> desk.receipt(caller, filingId)).map(cms -> new Node.ReceiptFile(filing.get(), cms));
    }

    /** {@code /distributed/} names: queue position first, so a listing reads in arrival order. */
    static String inboxFileName(InboxEntry e) {
        return String.format(Locale.ROOT, "%08d-%s%s", e.seq(), e.kind(), RECEIPT_SUFFIX);
    }

    /**
     * {@code /distributed/} names of a secretariat message's attachments: the message's own name without its
     * suffix, two hyphens, the attachment's name ({@code 00000007-secretariat-message--annex.pdf}).
     */
    static String attachmentFileName(InboxEntry e, String attachmentName) {
        String item = inboxFileName(e);
        return item.substring(0, item.length() - RECEIPT_SUFFIX.length()) + "--" + attachmentName;
    }

    private List<StateDesk.MessageAttachment> attachments(StateDesk.Queued q) throws IOException {
        return q.entry().kind().equals("secretariat-message") ? AccountView.call(() -> desk.messageAttachments(caller, q.entry().seq()))
                : List.of();
    }

    private Optional<Node> attachmentFile(String name) throws IOException {
        if (!name.contains("-secretariat-message--")) {
            return Optional.empty();
        }
        for (StateDesk.Queued q : queued()) {
            for (StateDesk.MessageAttachment a : attachments(q)) {
                if (attachmentFileName(q.entry(), a.fileName()).equals(name)) {
                    return Optional.of(new Node.MessageAttachment(q.entry().seq(), a.index(), q.entry().createdAt(), a.size()));
                }
            }
        }
        return Optional.empty();
    }

    private List<StateDesk.Queued> queued() throws IOException {
        return AccountView.call(() -> desk.allQueued(caller));
    }

    private Optional<Node> inboxFile(String name) throws IOException {
        for (StateDesk.Queued q : queued()) {
            if (inboxFileName(q.entry()).equals(name)) {
                return Optional.of(new Node.InboxFile(q.entry().seq(), q.entry().createdAt(), q.size()));
            }
        }
        return Optional.empty();
    }
}
