package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Dossier;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.FilingJson;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * The tree a secretariat account sees:
 * <pre>
 * /filings/&lt;STATE&gt;/&lt;filing-id&gt;/&lt;file name&gt;   every filing, read-only, and its receipt.p7s
 * /pending/&lt;filing-id&gt;.json                  what waits for a decision, with the plan a release executes, its
 *                                               four-eyes and superseded state (as the API's /secretariat/pending)
 * /release/, /hold/                             write a file named &lt;filing-id&gt; to release it, or to hold it (text: the reason)
 * </pre>
 * Decode the path, ask the {@link SecretariatDesk}, answer.
 */
final class SecretariatTree implements AccountView {

    static final String RECEIPT_NAME = "receipt.p7s";

    private final Caller caller;
    private final SecretariatDesk desk;
    private final List<String> stateCodes;
    private final Instant mounted = Instant.now();

    SecretariatTree(Caller caller, SecretariatDesk desk, List<String> stateCodes) {
        this.caller = caller;
        this.desk = desk;
        this.stateCodes = List.copyOf(stateCodes);
    }

    @Override
    public Caller caller() {
        return caller;
    }

    @Override
    public Node resolve(DropBoxPath path) throws IOException {
        List<String> s = path.segments();
        if (s.isEmpty() || (s.size() == 1 && s.get(0).equals("filings"))) {
            return folder();
        }
        if (s.get(0).equals("pending")) {
            if (s.size() == 1) {
                return folder();
            }
            if (s.size() == 2 && s.get(1).endsWith(".json")) {
                String id = s.get(1).substring(0, s.get(1).length() - ".json".length());
                Optional<Dossier> waiting = AccountView.call(() -> desk.waiting(caller, id));
                if (waiting.isPresent()) {
                    return new Node.Generated(FilingJson.describe(waiting.get()).toPrettyString().getBytes(StandardCharsets.UTF_8), mounted);
                }
            }
        }
        if ((s.get(0).equals("release") || s.get(0).equals("hold")) && s.size() == 1) {
            return AccountView.folder(mounted, true); // write a file named after the filing id here to act on it
        }
        if (s.get(0).equals("filings") && stateCodes.contains(s.get(1))) {
            if (s.size() == 2) {
                return folder();
            }
            Optional<Filing> filing = filingOf(s.get(2), s.get(1));
            if (filing.isPresent()) {
                Filing f = filing.get();
                if (s.size() == 3) {
                    return AccountView.folder(f.receivedAt(), false);
                }
                if (s.size() == 4 && s.get(3).equals(f.fileName())) {
                    return new Node.Document(f);
                }
                if (s.size() == 4 && s.get(3).equals(RECEIPT_NAME)) {
                    Optional<byte[]> receipt = AccountView.call(() -> desk.receipt(caller, f.id()));
                    if (receipt.isPresent()) {
                        return new Node.ReceiptFile(f, receipt.get());
                    }
                }
            }
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
            return AccountView.call(() -> desk.stateFilings(caller, s.get(1))).stream().map(Filing::id).toList();
        }
        Filing f = filingOf(s.get(2), s.get(1)).orElseThrow(() -> new NoSuchFileException(s.get(2)));
        return List.of(f.fileName(), RECEIPT_NAME);
    }

    @Override
    public SeekableByteChannel openStored(Node node) throws IOException {
        if (!(node instanceof Node.Document d)) {
            throw DropBoxException.noSuchFile();
        }
        return AccountView.call(() -> desk.openDocument(caller, d.filing().id()));
    }

    /**
     * The secretariat acts by writing a file named after a filing id ({@code <id>} or {@code <id>.txt}):
     * into {@code /release/} to release it, into {@code /hold/} to hold it (the file's text is the reason).
     * The decision is taken at the client's CLOSE, and its refusal is the answer to that CLOSE.
     */
    @Override
    public SeekableByteChannel openUpload(DropBoxPath path) throws IOException {
        List<String> s = path.segments();
        if (s.size() != 2 || !(s.get(0).equals("release") || s.get(0).equals("hold"))) {
            throw DropBoxException.denied("the secretariat writes only into /release/ and /hold/");
        }
        String id = AccountView.actionFileId(s.get(1));
        if (AccountView.call(() -> desk.filing(caller, id)).isEmpty()) {
            throw DropBoxException.noSuchFile();
        }
        if (s.get(0).equals("hold")) {
            return AccountView.action(content -> desk.hold(caller, id, content), ActionChannel.MAX_BYTES);
        }
        // the release file's text, when any, confirms the release of a superseded version: the newest version's id
        return AccountView.action(content -> desk.release(caller, id, content), ActionChannel.MAX_BYTES);
    }

    private Node folder() {
        return AccountView.folder(mounted, false);
    }

    private List<String> awaiting() throws IOException {
        return AccountView.call(() -> desk.pendingIds(caller));
    }

    private Optional<Filing> filingOf(String id, String state) throws IOException {
        return AccountView.call(() -> desk.filing(caller, id)).filter(f -> f.state().equals(state));
    }
}
