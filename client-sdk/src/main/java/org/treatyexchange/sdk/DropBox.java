package org.treatyexchange.sdk;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * One SFTP session with the exchange's drop box, as one account. Opened per operation by
 * {@link ExchangeClient} (so a broken connection never outlives the try that saw it). Not thread-safe.
 */
final class DropBox implements Closeable {

    private static final int CHUNK = 64 * 1024;

    private final ClientSession session;
    private final SftpClient sftp;

    private DropBox(ClientSession session, SftpClient sftp) {
        this.session = session;
        this.sftp = sftp;
    }

    static DropBox open(SshClient client, String host, int port, String account, SshIdentity identity, Duration timeout)
            throws IOException {
        ClientSession session;
        try {
            session = client.connect(account, host, port).verify(timeout).getSession();
        } catch (IOException e) {
            // the TCP connection itself (the host key and the login come after): say where we tried
            java.net.ConnectException named = new java.net.ConnectException("cannot connect to the SFTP server at " + host + ":" + port
                    + (e.getMessage() == null ? "" : " (" + e.getMessage().replaceAll("\\p{Cntrl}", " ") + ")"));
            named.initCause(e);
            throw named;
        }
        try {
            session.addPublicKeyIdentity(identity.keyPair());
            session.auth().verify(timeout);
            return new DropBox(session, SftpClientFactory.instance().createSftpClient(session));
        } catch (IOException | RuntimeException e) {
            session.close(true);
            throw e;
        }
    }

    /** The sub-folders of a folder (e.g. the report types under {@code /submit}). */
    List<String> folders(String folder) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            sftp.readDir(folder).forEach(e -> {
                if (!e.getFilename().equals(".") && !e.getFilename().equals("..") && e.getAttributes().isDirectory()) {
                    out.add(e.getFilename());
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** The regular files in a folder, in the order the exchange lists them. */
    List<RemoteFile> list(String folder) throws IOException {
        List<RemoteFile> out = new ArrayList<>();
        List<SftpClient.DirEntry> entries = new ArrayList<>();
        try {
            sftp.readDir(folder).forEach(entries::add);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause(); // MINA's directory iterator wraps the server's status
        }
        for (SftpClient.DirEntry e : entries) {
            String name = e.getFilename();
            if (name.equals(".") || name.equals("..") || !e.getAttributes().isRegularFile()) {
                continue;
            }
            SftpClient.Attributes a = e.getAttributes();
            Instant modified = a.getModifyTime() == null ? Instant.EPOCH : a.getModifyTime().toInstant();
            out.add(new RemoteFile(name, a.getSize(), modified));
        }
        return out;
    }

    /** A small file's bytes; refuses more than {@code max}. */
    byte[] read(String path, int max) throws IOException {
        try (InputStream in = sftp.read(path)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new IOException("the exchange sent more than " + max + " bytes for " + path);
            }
            return bytes;
        }
    }

    /** Writes a small file in one go; the exchange acts on it when it is closed. */
    void write(String path, byte[] content) throws IOException {
        try (OutputStream out = sftp.write(path, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate)) {
            out.write(content);
        }
    }

    /**
     * Uploads {@code file} front to back; returns once the exchange accepted the CLOSE, i.e. once the
     * filing is durable. Fails with the exchange's status when it refuses.
     */
    void upload(String path, Path file, String name, ProgressListener progress) throws IOException {
        long total = Files.size(file);
        long done = 0;
        progress.transferred(name, 0, total);
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = Files.newInputStream(file);
                OutputStream out = sftp.write(path, CHUNK, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                        SftpClient.OpenMode.Truncate)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                done += n;
                progress.transferred(name, done, total);
            }
            if (done != total) {
                throw new IOException("the document changed size while it was being sent; nothing was filed");
            }
        }
    }

    /** Downloads {@code path} into {@code target}, reporting progress. */
    void download(String path, OutputStream target, String name, long total, ProgressListener progress) throws IOException {
        long done = 0;
        progress.transferred(name, 0, total);
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = sftp.read(path, CHUNK)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                target.write(buffer, 0, n);
                done += n;
                progress.transferred(name, done, total);
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            sftp.close();
        } finally {
            session.close(true);
        }
    }
}
