package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.store.blob.BlobStore;
import org.treatyexchange.server.store.blob.ObjectStoreServer;

/**
 * The production shape: metadata in PostgreSQL, documents in an S3-compatible object store (S3Proxy, a
 * real S3 API server), reached by the server through {@code store.blobs} and a credentials file.
 */
class ObjectStoreExchangeTest {

    @TempDir
    static Path tmp;
    static ObjectStoreServer s3;
    /** One PostgreSQL database per exchange: each has its own home and keys. */
    static final List<TestDatabase> databases = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        s3 = ObjectStoreServer.start(tmp.resolve("s3"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestDatabase d : databases) {
            d.close();
        }
        s3.close();
    }

    private static TestDatabase database() throws Exception {
        TestDatabase d = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        databases.add(d);
        return d;
    }

    private static ServerConfig onObjectStore(ServerConfig c, String prefix) {
        return c.withStorage(c.storage().withObjectStore(ServerConfig.ObjectStore.NONE
                .withUrl("s3://" + ObjectStoreServer.BUCKET + "/" + prefix).withEndpoint(s3.endpoint().toString())));
    }

    private static TestExchange exchange(String name) throws Exception {
        return TestExchange.start(tmp.resolve(name), database(), s3.environment(tmp.resolve(name + "-credentials")), c -> onObjectStore(c, name));
    }

    /** The files S3Proxy keeps for the objects under {@code prefix}: what a thief of the object store reads. */
    private static List<Path> objects(String prefix) throws IOException {
        Path dir = s3.dataDir().resolve(ObjectStoreServer.BUCKET).resolve(prefix);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private static void upload(TestExchange exchange, String path, byte[] content) throws Exception {
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content);
        }
    }

    private static byte[] download(TestExchange exchange, String path) throws Exception {
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s); InputStream in = sftp.read(path)) {
            return in.readAllBytes();
        }
    }

    private static long filings(TestExchange exchange) {
        return exchange.admin("filings").lines().skip(1).filter(l -> !l.isBlank()).count();
    }

    @Test
    void aFilingLandsInTheObjectStoreAsCiphertextOnlyAndIsReadBackAfterARestart() throws Exception {
        byte[] plain = new byte[300_000];
        new java.security.SecureRandom().nextBytes(plain);
        try (TestExchange exchange = exchange("filed")) {
            upload(exchange, "/submit/annual-report/secretariat/report.pdf", plain);

            List<Path> stored = objects("filed");
            assertThat(stored).hasSize(1);
            assertThat(exchange.home().resolve("blobs")).as("nothing in the node's own blob directory")
                    .satisfiesAnyOf(d -> assertThat(d).doesNotExist(), d -> assertThat(TamperingTest.blobs(exchange.home())).isEmpty());
            byte[] atRest = Files.readAllBytes(stored.get(0));
            for (int at : new int[] {0, plain.length / 2, plain.length - 32}) {
                assertThat(TamperingTest.indexOf(atRest, Arrays.copyOfRange(plain, at, at + 32))).as("plaintext bytes %d.. in the object store", at)
                        .isEqualTo(-1);
            }

            exchange.restart();
            assertThat(download(exchange, "/submit/annual-report/secretariat/report.pdf")).isEqualTo(plain);
        }
    }

    @Test
    void whileTheObjectStoreIsDownUploadsAreRefusedAndNothingIsRecordedThenServiceResumesByItself() throws Exception {
        try (TestExchange exchange = exchange("outage")) {
            upload(exchange, "/submit/correspondence/secretariat/before.txt", "before".getBytes());
            long before = filings(exchange);
            s3.stop();
            try {
                assertThatThrownBy(() -> upload(exchange, "/submit/correspondence/secretariat/during.txt", new byte[200_000]))
                        .isInstanceOf(IOException.class).hasMessageContaining("unavailable: the document could not be stored; nothing was kept");
                assertThat(filings(exchange)).as("no filing without its document").isEqualTo(before);
            } finally {
                s3.start();
            }
            assertThat(objects("outage")).hasSize(1);
            upload(exchange, "/submit/correspondence/secretariat/after.txt", "after".getBytes());
            assertThat(filings(exchange)).isEqualTo(before + 1);
            assertThat(download(exchange, "/submit/correspondence/secretariat/before.txt")).isEqualTo("before".getBytes());
            assertThat(download(exchange, "/submit/correspondence/secretariat/after.txt")).isEqualTo("after".getBytes());
        }
    }

    @Test
    void startUpRemovesAnUnrecordedObjectOnlyOnceItIsOlderThanTheGracePeriod() throws Exception {
        try (TestExchange exchange = exchange("orphans")) {
            upload(exchange, "/submit/correspondence/secretariat/kept.txt", "kept".getBytes());
            // A node that crashed between its document's commit and its filing's left this object behind.
            BlobStore direct = s3.blobStore("orphans/", 5 << 20, Duration.ofHours(6), java.time.Clock.systemUTC());
            String orphan;
            try (BlobStore.Writer w = direct.create()) {
                w.stream().write("unrecorded".getBytes());
                w.commit();
                orphan = w.blobId();
            }
            exchange.restart();
            assertThat(direct.exists(orphan)).as("young: maybe another node's filing is being recorded").isTrue();

            for (Path object : objects("orphans")) { // seven hours pass
                Files.setLastModifiedTime(object, FileTime.from(Instant.now().minus(Duration.ofHours(7))));
            }
            exchange.restart();
            assertThat(direct.exists(orphan)).isFalse();
            assertThat(objects("orphans")).hasSize(1);
            assertThat(download(exchange, "/submit/correspondence/secretariat/kept.txt")).isEqualTo("kept".getBytes());
        }
    }

    @Test
    void aServerDoesNotStartOnAnObjectStoreItCannotUseAndSaysWhichSettingsToCheck() throws Exception {
        Path wrong = tmp.resolve("wrong-credentials");
        Files.writeString(wrong, "[default]\naws_access_key_id = AKNOTTHEKEY\naws_secret_access_key = not-the-secret\n");
        Files.setPosixFilePermissions(wrong, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> TestExchange.start(tmp.resolve("refused"), database(), Map.of("EXCHANGE_S3_CREDENTIALS_FILE", wrong.toString()),
                c -> onObjectStore(c, "refused")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("store.blobs")
                .hasMessageContaining("cannot use the object store")
                .hasMessageNotContaining("not-the-secret");
        assertThatThrownBy(() -> TestExchange.start(tmp.resolve("no-credentials"), database(), Map.of(), c -> onObjectStore(c, "none")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EXCHANGE_S3_CREDENTIALS_FILE");
    }
}
