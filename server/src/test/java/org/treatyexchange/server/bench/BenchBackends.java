package org.treatyexchange.server.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.blob.ObjectStoreServer;

/**
 * The production back-ends for {@code scripts/bench --postgres}: one fresh PostgreSQL database per name given
 * (on the cluster {@code scripts/test-postgres} set up) and, with {@code --s3 DIR}, one S3Proxy on a free
 * loopback port. For each name it writes {@code <dir>/<name>.env}, the {@code EXCHANGE_*} variables a server
 * process needs, then prints {@code READY} and runs until its standard input closes (or it is stopped):
 * then it drops the databases and stops S3Proxy.
 *
 * <pre>BenchBackends --dir DIR [--s3 DATA_DIR] NAME...</pre>
 * A name ending in {@code -s3} also gets the object store ({@code --s3} required).
 */
public final class BenchBackends {

    private BenchBackends() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = null;
        Path s3Data = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--s3" -> s3Data = Path.of(args[++i]);
                default -> names.add(args[i]);
            }
        }
        if (dir == null || names.isEmpty()) {
            throw new IllegalArgumentException("usage: BenchBackends --dir DIR [--s3 DATA_DIR] NAME...");
        }
        ObjectStoreServer s3 = s3Data == null ? null : ObjectStoreServer.start(s3Data);
        List<TestDatabase> databases = new ArrayList<>();
        // the bench stops us with SIGTERM or by closing our input: either way the databases go
        Runtime.getRuntime().addShutdownHook(new Thread(() -> release(databases, s3)));
        for (String name : names) {
            TestDatabase database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
            databases.add(database);
            Map<String, String> env = new LinkedHashMap<>(database.environment());
            if (name.endsWith("-s3")) {
                if (s3 == null) {
                    throw new IllegalArgumentException(name + " needs the object store: give --s3 DATA_DIR");
                }
                env.put("EXCHANGE_BLOB_STORE", "s3://" + ObjectStoreServer.BUCKET + "/" + name);
                env.put("EXCHANGE_S3_ENDPOINT", s3.endpoint().toString());
                env.putAll(s3.environment(dir.resolve(name + ".s3-credentials")));
            }
            Files.writeString(dir.resolve(name + ".env"), env.entrySet().stream()
                    .map(e -> "export " + e.getKey() + "='" + e.getValue() + "'").collect(Collectors.joining("\n", "", "\n")));
        }
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the bench closes our standard input
        }
    }

    private static synchronized void release(List<TestDatabase> databases, ObjectStoreServer s3) {
        for (TestDatabase database : databases) {
            try {
                database.close();
            } catch (Exception e) {
                System.err.println("could not drop a bench database: " + e);
            }
        }
        databases.clear();
        if (s3 != null) {
            try {
                s3.close();
            } catch (Exception e) {
                System.err.println("could not stop S3Proxy: " + e);
            }
        }
    }
}
