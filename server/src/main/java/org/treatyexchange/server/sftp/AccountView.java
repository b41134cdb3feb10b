package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.sftp.common.SftpConstants;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.Refusal;

/**
 * The virtual tree one authenticated account sees: a State's ({@link StateTree}) or the secretariat's
 * ({@link SecretariatTree}). Every path is resolved against the application layer; nothing maps to a
 * host path, and what a path shows is decided by the layer from the session's {@link Caller}.
 */
interface AccountView {

    String RECEIPT_SUFFIX = ".p7s";

    /** Who the session is, fixed at login. */
    Caller caller();

    /** What a path names; {@link NoSuchFileException} when nothing (the same answer whatever the reason). */
    Node resolve(DropBoxPath path) throws IOException;

    /** The names in a folder, in a stable order. */
    List<String> list(DropBoxPath path) throws IOException;

    /** Opens a document, receipt or generated file for reading. */
    default SeekableByteChannel openRead(Node node) throws IOException {
        if (node instanceof Node.ReceiptFile r) {
            return new ReadOnlyBytesChannel(r.signedReceipt());
        }
        if (node instanceof Node.Generated g) {
            return new ReadOnlyBytesChannel(g.content());
        }
        if (node instanceof Node.Folder) {
            throw new DropBoxException(SftpConstants.SSH_FX_FILE_IS_A_DIRECTORY, "Is a directory");
        }
        return openStored(node);
    }

    /** Opens what the application layer keeps: a filed document, or an item of the inbound queue. */
    SeekableByteChannel openStored(Node node) throws IOException;

    /** Opens a new file for writing: an upload or an action file, depending on where. */
    SeekableByteChannel openUpload(DropBoxPath path) throws IOException;

    /** How a released filing's document is named where States see it: its id, then its own name. */
    static String releasedName(Filing f) {
        return f.id() + "--" + f.fileName();
    }

    /** The filing id an action file names: {@code <id>} or {@code <id>.txt}. */
    static String actionFileId(String name) {
        return name.endsWith(".txt") ? name.substring(0, name.length() - 4) : name;
    }

    /** A call into the application layer whose refusal is the SFTP answer. */
    @FunctionalInterface
    interface LayerCall<T> {
        T call() throws Refusal;
    }

    static <T> T call(LayerCall<T> call) throws DropBoxException {
        try {
            return call.call();
        } catch (Refusal r) {
            throw SafeStatus.toSftp(r);
        }
    }

    /** An action file whose act, run at the client's CLOSE, answers with the layer's refusal. */
    @FunctionalInterface
    interface LayerAct {
        void run(String content) throws Refusal;
    }

    static ActionChannel action(LayerAct act, int maxBytes) {
        return new ActionChannel(content -> {
            try {
                act.run(content);
            } catch (Refusal r) {
                throw SafeStatus.toSftp(r);
            }
        }, maxBytes);
    }

    static Node.Folder folder(Instant mounted, boolean dropTarget) {
        return new Node.Folder(mounted, dropTarget);
    }
}
