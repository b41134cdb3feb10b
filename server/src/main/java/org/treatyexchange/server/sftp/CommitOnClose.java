package org.treatyexchange.server.sftp;

/** A write handle whose effect happens only when the client itself closes it (see {@link UploadCommitListener}). */
interface CommitOnClose {
    /** Called for the client's CLOSE request only; any other close discards. */
    void commitOnClose();
}
