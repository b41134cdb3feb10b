package org.treatyexchange.server.sftp;

import java.nio.ByteBuffer;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * What an SFTP write handle that is not a plain file shares: written once, front to back, never
 * read, and acted on only when the client itself closes it ({@link #commitOnClose()}).
 */
abstract class WriteOnceChannel implements SeekableByteChannel, CommitOnClose {

    /** Where the client says the next write goes; writes must arrive exactly at the end. */
    long position;
    boolean open = true;
    boolean commitRequested;
    /** Its act was done at the client's CLOSE (filed, or the action taken). */
    volatile boolean accepted;

    /** Still being written, or written and accepted: what the session may stat, or keep a timestamp on. */
    boolean inProgressOrAccepted() {
        return open || accepted;
    }

    @Override
    public void commitOnClose() {
        commitRequested = true;
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new NonReadableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
