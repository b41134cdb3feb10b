package org.treatyexchange.server.filing;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.treatyexchange.server.crypto.ReceiptSigner;

/**
 * Receipts signed before the transaction that records them. Writers commit one after another (one
 * writer lock, group commit), so a P-384 signature made inside a write transaction is time every other
 * filer waits; made ahead, on the filer's own thread, it runs in parallel with them.
 *
 * <p>The transaction still builds every receipt from what it reads itself and signs it through
 * {@link #sign}: a signature made ahead is used only for byte-identical content, so a receipt can never
 * say what the transaction did not record (if an instruction or a newer version committed in between,
 * the content differs and is signed afresh).
 */
public final class SignedAhead {

    private final ReceiptSigner signer;
    private final Map<ByteBuffer, byte[]> signatures = new ConcurrentHashMap<>();

    SignedAhead(ReceiptSigner signer) {
        this.signer = signer;
    }

    /** Signs {@code content} now, for the transaction to come. */
    void signAhead(byte[] content) {
        signatures.put(ByteBuffer.wrap(content.clone()), signer.sign(content));
    }

    /** The signature over exactly {@code content}: the one made ahead if there is one, else a new one. */
    public byte[] sign(byte[] content) {
        byte[] ready = signatures.get(ByteBuffer.wrap(content));
        return ready != null ? ready : signer.sign(content);
    }
}
