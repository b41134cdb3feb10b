package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.admin.AdminCli;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.store.blob.ObjectStoreServer;

/**
 * {@code scripts/admin migrate-store}: a stopped Derby home moves onto PostgreSQL and an object store,
 * checked there, and the server runs on the result with every filing, document and audit event it had.
 */
class MigrateStoreTest {

    @TempDir
    static Path tmp;
    static ObjectStoreServer s3;
    static final List<TestDatabase> databases = new ArrayList<>();

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

    private static TestDatabase postgresql() throws Exception {
        TestDatabase d = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        databases.add(d);
        return d;
    }

    private record Cli(int exitCode, String output) {
    }

    private static Cli migrate(Path home, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--home", home.toString(), "migrate-store"));
        all.addAll(List.of(args));
        int code = AdminCli.run(all.toArray(String[]::new), InputStream.nullInputStream(), new PrintWriter(out, true),
                new PrintWriter(out, true), env);
        return new Cli(code, out.toString());
    }

    private static Map<String, String> environment(TestDatabase db, String credentials) throws Exception {
        Map<String, String> env = new HashMap<>(db.environment());
        env.remove("EXCHANGE_DATABASE_URL");
        env.putAll(s3.environment(tmp.resolve(credentials)));
        env.put("EXCHANGE_S3_ENDPOINT", s3.endpoint().toString());
        return env;
    }

    private static void upload(TestExchange exchange, String account, String path, byte[] content) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); OutputStream out = sftp.write(path)) {
            out.write(content);
        }
    }

    private static byte[] download(TestExchange exchange, String account, String path) throws Exception {
        try (ClientSession s = exchange.login(account); SftpClient sftp = exchange.sftp(s); InputStream in = sftp.read(path)) {
            return in.readAllBytes();
        }
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static List<Path> objects(String prefix) throws Exception {
        Path dir = s3.dataDir().resolve(ObjectStoreServer.BUCKET).resolve(prefix);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    private static long rows(TestDatabase db, String table) throws Exception {
        try (Connection c = db.connect(null); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A Derby home with two filings (one released to the public) and a few audit events, stopped. */
    private static Path derbyHomeWithFilings(String name, byte[] first, byte[] second) throws Exception {
        Path home = tmp.resolve(name);
        try (TestExchange exchange = TestExchange.start(home)) {
            upload(exchange, "arcadia-officer", "/submit/annual-report/secretariat/first.pdf", first);
            upload(exchange, "arcadia-officer", "/submit/annual-report/public/second.pdf", second);
        }
        return home;
    }

    @Test
    void aStoppedDerbyHomeMovesOntoPostgresqlAndTheObjectStoreAndTheServerRunsOnItWithEverything() throws Exception {
        byte[] first = random(200_000);
        byte[] second = random(70_000);
        Path home = derbyHomeWithFilings("moved", first, second);
        TestDatabase db = postgresql();
        Map<String, String> env = environment(db, "moved-credentials");

        Cli moved = migrate(home, env, "--to-database", db.url(), "--to-blobs", "s3://" + ObjectStoreServer.BUCKET + "/moved");

        assertThat(moved.exitCode()).as(moved.output()).isZero();
        assertThat(moved.output()).contains("2 documents (into the object store", "audit chain intact", "SHA-256 matches");
        assertThat(objects("moved")).hasSize(2);
        assertThat(rows(db, "filing")).isEqualTo(2);
        assertThat(Files.isDirectory(home.resolve("db"))).as("the home's own database is left as it was").isTrue();

        try (TestExchange exchange = TestExchange.start(home, db, s3.environment(tmp.resolve("moved-run-credentials")),
                c -> c.withStorage(c.storage().withObjectStore(ServerConfig.ObjectStore.NONE
                        .withUrl("s3://" + ObjectStoreServer.BUCKET + "/moved").withEndpoint(s3.endpoint().toString()))))) {
            assertThat(download(exchange, "arcadia-officer", "/submit/annual-report/secretariat/first.pdf")).isEqualTo(first);
            assertThat(download(exchange, "arcadia-officer", "/submit/annual-report/public/second.pdf")).isEqualTo(second);
            upload(exchange, "arcadia-officer", "/submit/annual-report/secretariat/third.pdf", random(1000));
            String verified = exchange.admin("verify-audit");
            assertThat(verified).startsWith("0\n").contains("intact");
            assertThat(rows(db, "filing")).isEqualTo(3);
        }
    }

    @Test
    void withoutAnObjectStoreTheDocumentsStayInTheHomeAndOnlyTheRecordsMove() throws Exception {
        byte[] first = random(5_000);
        Path home = derbyHomeWithFilings("records-only", first, random(6_000));
        TestDatabase db = postgresql();

        Cli moved = migrate(home, environment(db, "records-credentials"), "--to-database", db.url());

        assertThat(moved.exitCode()).as(moved.output()).isZero();
        assertThat(moved.output()).contains("2 documents (left in the home's blobs/)");
        try (TestExchange exchange = TestExchange.start(home, db)) {
            assertThat(download(exchange, "arcadia-officer", "/submit/annual-report/secretariat/first.pdf")).isEqualTo(first);
        }
    }

    @Test
    void aTargetThatIsNotEmptyIsRefusedAndNothingIsCopiedTwice() throws Exception {
        Path home = derbyHomeWithFilings("twice", random(3_000), random(4_000));
        TestDatabase db = postgresql();
        Map<String, String> env = environment(db, "twice-credentials");
        assertThat(migrate(home, env, "--to-database", db.url(), "--to-blobs", "s3://" + ObjectStoreServer.BUCKET + "/twice").exitCode())
                .isZero();
        long filings = rows(db, "filing");
        long events = rows(db, "audit_event");

        Cli again = migrate(home, env, "--to-database", db.url(), "--to-blobs", "s3://" + ObjectStoreServer.BUCKET + "/twice-b");

        assertThat(again.exitCode()).as(again.output()).isEqualTo(1);
        assertThat(again.output()).contains("not empty");
        assertThat(rows(db, "filing")).isEqualTo(filings);
        assertThat(rows(db, "audit_event")).isEqualTo(events);
        assertThat(objects("twice-b")).as("no document copied for a refused move").isEmpty();
    }

    @Test
    void anObjectStorePrefixThatHoldsDocumentsIsRefusedAndTheDatabaseStaysEmpty() throws Exception {
        Path home = derbyHomeWithFilings("occupied", random(3_000), random(4_000));
        TestDatabase first = postgresql();
        assertThat(migrate(home, environment(first, "occupied-credentials"), "--to-database", first.url(), "--to-blobs",
                "s3://" + ObjectStoreServer.BUCKET + "/occupied").exitCode()).isZero();
        TestDatabase second = postgresql();

        Cli refused = migrate(home, environment(second, "occupied-credentials-b"), "--to-database", second.url(), "--to-blobs",
                "s3://" + ObjectStoreServer.BUCKET + "/occupied");

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("already holds documents");
        assertThat(rows(second, "filing")).isZero();
        assertThat(rows(second, "audit_event")).isZero();
        assertThat(objects("occupied")).hasSize(2);
    }

    @Test
    void aHomeWithARecordedDocumentMissingIsRefusedAndNothingIsCopied() throws Exception {
        Path home = derbyHomeWithFilings("missing", random(3_000), random(4_000));
        try (Stream<Path> blobs = Files.walk(home.resolve("blobs"))) {
            Files.delete(blobs.filter(Files::isRegularFile).filter(p -> !p.getParent().getFileName().toString().equals("tmp"))
                    .findFirst().orElseThrow());
        }
        TestDatabase db = postgresql();

        Cli refused = migrate(home, environment(db, "missing-credentials"), "--to-database", db.url(), "--to-blobs",
                "s3://" + ObjectStoreServer.BUCKET + "/missing");

        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("missing from the home");
        assertThat(rows(db, "filing")).isZero();
        assertThat(rows(db, "audit_event")).isZero();
        assertThat(objects("missing")).isEmpty();
    }

    @Test
    void aBadTargetUrlIsAUsageError() throws Exception {
        Cli bad = migrate(tmp.resolve("nowhere"), Map.of(), "--to-database", "jdbc:mysql://localhost/x");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.output()).contains("--to-database");
    }
}
