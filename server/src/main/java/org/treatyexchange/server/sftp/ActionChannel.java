package org.treatyexchange.server.sftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A small upload whose CLOSE performs an act instead of becoming a filing: the secretariat's action
 * files (a hold's reason, at most 4 KiB of UTF-8) and States' manifests. A failed act fails the CLOSE
 * with its reason.
 */
final class ActionChannel extends WriteOnceChannel {

    static final int MAX_BYTES = 4096;

    /** The act, given the file's text. */
    @FunctionalInterface
    interface Act {
        void run(String content) throws IOException;
    }

    private final Act act;
    private final int maxBytes;
    private final ByteArrayOutputStream content = new ByteArrayOutputStream();

    ActionChannel(Act act) {
        this(act, MAX_BYTES);
    }

    ActionChannel(Act act, int maxBytes) {
        this.act = act;
        this.maxBytes = maxBytes;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (position != content.size()) {
            throw DropBoxException.unsupported("action files must be written sequentially");
        }
        int n = src.remaining();
        if (content.size() + n > maxBytes) {
            open = false;
            throw DropBoxException.denied("this file may hold at most " + maxBytes + " bytes");
        }
        byte[] b = new byte[n];
        src.get(b);
        content.write(b, 0, n);
        position += n;
        return n;
    }

    @Override
    public long size() {
        return content.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        if (size != content.size()) {
            throw DropBoxException.unsupported("action files cannot be truncated");
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
            return; // the connection dropped: nothing is done
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw DropBoxException.invalidName("an action file must be UTF-8 text");
        }
        act.run(text);
        accepted = true;
    }
}
