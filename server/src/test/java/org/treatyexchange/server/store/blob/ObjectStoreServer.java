package org.treatyexchange.server.store.blob;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * A real S3 API server for tests: S3Proxy with its file-system back-end under {@code dataDir}, on
 * loopback, signing with AWS Signature V4 and credentials made here. {@link #stop()} and
 * {@link #start()} take it away and bring it back on the same port (an outage).
 */
public final class ObjectStoreServer implements AutoCloseable {

    public static final String BUCKET = "treaty-exchange-test";

    private final Path dataDir;
    private final String identity;
    private final String secret;
    private final BlobStoreContext context;
    private S3Proxy proxy;
    private int port;

    private ObjectStoreServer(Path dataDir) {
        this.dataDir = dataDir;
        SecureRandom random = new SecureRandom();
        byte[] a = new byte[10];
        byte[] b = new byte[20];
        random.nextBytes(a);
        random.nextBytes(b);
        this.identity = "AK" + HexFormat.of().formatHex(a).toUpperCase(java.util.Locale.ROOT);
        this.secret = HexFormat.of().formatHex(b);
        Properties p = new Properties();
        p.setProperty(FilesystemConstants.PROPERTY_BASEDIR, dataDir.toString());
        this.context = ContextBuilder.newBuilder("filesystem").credentials(identity, secret).overrides(p).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, BUCKET);
    }

    /** Starts on a free loopback port with an empty bucket {@link #BUCKET}. */
    public static ObjectStoreServer start(Path dataDir) throws Exception {
        Files.createDirectories(dataDir);
        ObjectStoreServer s = new ObjectStoreServer(dataDir);
        s.startOn(0);
        return s;
    }

    private void startOn(int wanted) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:" + wanted))
                .awsAuthentication(AuthenticationType.AWS_V4, identity, secret)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    /** Brings it back on the port it had. */
    public void start() throws Exception {
        if (proxy == null) {
            startOn(port);
        }
    }

    /** Takes it away: connections are refused until {@link #start()}. */
    public void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where S3Proxy keeps the objects: what a thief of the object store would read. */
    public Path dataDir() {
        return dataDir;
    }

    /** An AWS-style credentials file for this server, mode 600, at {@code file}. */
    public Path writeCredentials(Path file) throws IOException {
        Files.writeString(file, "[default]\naws_access_key_id = " + identity + "\naws_secret_access_key = " + secret + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The store's settings for {@link BlobStores#objectStore}. */
    public BlobStores.ObjectStoreSettings settings(String prefix, int partSize, Duration grace) {
        return new BlobStores.ObjectStoreSettings(endpoint(), "us-east-1", BUCKET, prefix,
                "[default]\naws_access_key_id = " + identity + "\naws_secret_access_key = " + secret + "\n", partSize, grace);
    }

    /** A client of this server as the exchange makes it. */
    public BlobStore blobStore(String prefix, int partSize, Duration grace, Clock clock) throws IOException {
        return BlobStores.objectStore(settings(prefix, partSize, grace), clock);
    }

    /** The environment a server needs to reach it, with the credentials file written at {@code credentialsFile}. */
    public Map<String, String> environment(Path credentialsFile) throws IOException {
        return Map.of("EXCHANGE_S3_CREDENTIALS_FILE", writeCredentials(credentialsFile).toString());
    }

    @Override
    public void close() throws Exception {
        stop();
        context.close();
    }
}
