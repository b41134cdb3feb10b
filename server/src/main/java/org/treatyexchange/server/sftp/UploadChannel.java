package org.treatyexchange.server.sftp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Upload;

/**
 * The write side of an SFTP upload handle. Bytes go straight into the filing intake (hashed and
 * encrypted as they arrive). The upload becomes a filing only if the client's own CLOSE request
 * closes it ({@link #commitOnClose()} is set by the SFTP event listener for that request); any other
 * close — a dropped connection, a session torn down — discards everything.
 */
final class UploadChannel extends WriteOnceChannel {

    private static final Logger LOG = LoggerFactory.getLogger(UploadChannel.class);
    private static final int CHUNK = 64 * 1024;

    private final Upload intake;
    private final byte[] chunk = new byte[CHUNK];

    UploadChannel(Upload intake) {
        this.intake = intake;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        if (position != intake.size()) {
            // Filings are written once, front to back; a gap or rewrite would make the hash meaningless.
            discard("non-sequential-write");
            throw DropBoxException.unsupported("uploads must be written sequentially from the start; nothing was kept");
        }
        int total = 0;
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), chunk.length);
            src.get(chunk, 0, n);
            try {
                intake.write(chunk, 0, n);
            } catch (Refusal e) {
                open = false; // the intake has already discarded what it had
                throw SafeStatus.toSftp(e);
            }
            total += n;
        }
        position += total;
        return total;
    }

    @Override
    public long size() {
        return intake.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        if (size != intake.size()) {
            discard("truncate");
            throw DropBoxException.unsupported("uploads cannot be truncated; nothing was kept");
        }
        return this;
    }

    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        if (!commitRequested) {
            intake.abort("connection-closed-before-close");
            return;
        }
        try {
            Upload.Filed filed = intake.commit();
            accepted = true;
            LOG.debug("upload committed as filing {}", filed.filing().id());
        } catch (Refusal e) {
            throw SafeStatus.toSftp(e);
        }
    }

    private void discard(String why) {
        open = false;
        intake.abort(why);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
