package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.ServerProcess;

/**
 * What a power cut keeps of an acknowledged filing. {@code CrashConsistencyTest} kills the server with
 * SIGKILL, which keeps the page cache, so it cannot tell a synced document from an unsynced one. Here the
 * server runs with an {@code LD_PRELOAD} shim ({@code src/test/c/fsync-trace.c}, built with gcc by this
 * test) that traces, under the server's home, every open, write, fsync/fdatasync, rename and mkdir with
 * the monotonic time it returned. For each upload the test notes the moment the client had its
 * acknowledgement (the SFTP CLOSE answered OK: the receipt exists) and applies the rules of a power cut
 * at that moment to the trace — file data survives only if an fsync of the file followed its last write;
 * a name (rename, mkdir) survives only if its directory was fsynced after it; the database's commit only
 * if a synchronous write or an fsync of Derby's log followed — and requires that the document, its name,
 * every directory created for it and the commit that records it all survive. Removing any fsync on that
 * path (the blob's {@code force}, the directory syncs of {@code LocalBlobStore}, Derby's log sync via
 * {@code derby.system.durability=test}), or letting the filing's transaction commit without waiting for its
 * document's flush on the flusher thread ({@code FilingService}: the shim makes every fsync slow), makes it fail.
 */
class PowerCutTest {

    /** O_DSYNC and O_SYNC (which includes it) on Linux. */
    static final int O_DSYNC = 010000;

    @TempDir
    static Path tmp;

    static ServerProcess server;
    static ProcessClients clients;
    static Path home;
    static Path trace;

    @BeforeAll
    static void start() throws Exception {
        Path shim = buildShim(tmp);
        home = tmp.toRealPath().resolve("home");
        trace = tmp.resolve("fsync-trace.log");
        server = ServerProcess.start(home, "256m",
                Map.of("LD_PRELOAD", shim.toString(), "FSYNC_TRACE_LOG", trace.toString(), "FSYNC_TRACE_PREFIX", home + "/",
                        // a slow disk (each fsync 20 ms): a document flushed on another thread while its filing's
                        // transaction runs (FilingService) must still be durable before the commit and the answer
                        "FSYNC_TRACE_DELAY_US", "20000"), List.of());
        clients = new ProcessClients();
        clients.target(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (clients != null) {
            clients.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Compiles the shim; no gcc is a failure, not a skip (.ci/run installs it). */
    static Path buildShim(Path dir) throws Exception {
        Path source = Path.of("src/test/c/fsync-trace.c").toAbsolutePath();
        assertThat(source).isRegularFile();
        Path shim = dir.resolve("fsync-trace.so");
        Processes.Result gcc;
        try {
            gcc = Processes.run(dir, List.of("gcc", "-shared", "-fPIC", "-O2", "-o", shim.toString(), source.toString(), "-ldl"));
        } catch (java.io.IOException e) {
            throw new AssertionError("PowerCutTest needs gcc to build its LD_PRELOAD shim (Debian: gcc libc6-dev; .ci/run installs "
                    + "them): " + e.getMessage(), e);
        }
        assertThat(gcc.exitCode()).as("gcc: " + gcc.output()).isZero();
        return shim;
    }

    @Test
    void everyAcknowledgedFilingSurvivesAPowerCutAtTheMomentOfItsAcknowledgement() throws Exception {
        SecureRandom random = new SecureRandom();
        List<long[]> windows = new ArrayList<>();
        try (SftpClient sftp = clients.sftp("arcadia-officer")) {
            for (int i = 0; i < 4; i++) {
                byte[] content = new byte[50_000 + random.nextInt(200_000)];
                random.nextBytes(content);
                long started = System.nanoTime();
                try (OutputStream out = sftp.write("/submit/annual-report/secretariat/power-" + i + ".pdf")) {
                    out.write(content);
                }
                long acknowledged = System.nanoTime(); // the CLOSE was answered OK: a receipt exists
                windows.add(new long[] {started, acknowledged});
            }
        }
        List<Event> events = parse(Files.readAllLines(trace));
        assertThat(events).as("the shim traced the server (is LD_PRELOAD honoured?)").isNotEmpty();
        int dirsCreated = 0;
        for (long[] w : windows) {
            dirsCreated += checkSurvives(events, w[0], w[1]);
        }
        // The directory rule was exercised: a fresh home creates the blob store's fan-out directories.
        assertThat(dirsCreated).as("directories created for the blobs of these filings").isPositive();
    }

    /** Checks one upload; returns how many directories were created for its blob. */
    static int checkSurvives(List<Event> events, long started, long acknowledged) {
        Path blobs = home.resolve("blobs");
        List<Event> renames = events.stream().filter(e -> e.op.equals("rename") && e.result == 0 && e.time > started
                && e.time < acknowledged && e.path2 != null && e.path2.startsWith(blobs) && !e.path2.startsWith(blobs.resolve("tmp")))
                .toList();
        assertThat(renames).as("the document's commit (a rename into blobs/) before the acknowledgement").isNotEmpty();
        int created = 0;
        for (Event rename : renames) {
            Path temp = rename.path;
            Path target = rename.path2;
            // 1. the data: an fsync of the file after its last write, before the rename makes it visible
            long lastWrite = events.stream().filter(e -> e.op.equals("write") && temp.equals(e.path) && e.time < rename.time)
                    .mapToLong(e -> e.time).max().orElse(-1);
            assertThat(lastWrite).as("the document %s was written", target.getFileName()).isPositive();
            assertThat(events.stream().anyMatch(e -> e.isSync() && (temp.equals(e.path) || target.equals(e.path)) && e.time > lastWrite
                    && e.time < rename.time))
                    .as("power cut: the data of %s was fsynced after its last write and before its rename", target.getFileName()).isTrue();
            // 2. its name: its directory fsynced after the rename, before the acknowledgement
            long dirSynced = events.stream().filter(e -> e.isSync() && target.getParent().equals(e.path) && e.time > rename.time
                    && e.time < acknowledged).mapToLong(e -> e.time).min().orElse(-1);
            assertThat(dirSynced).as("power cut: the directory of %s was fsynced after the rename, before the acknowledgement",
                    target.getFileName()).isPositive();
            // 3. every directory created for it: its parent fsynced after the mkdir, before the acknowledgement
            for (Event mkdir : events.stream().filter(e -> e.op.equals("mkdir") && e.result == 0 && e.time > started
                    && e.time < acknowledged && target.startsWith(e.path)).toList()) {
                created++;
                assertThat(events.stream().anyMatch(e -> e.isSync() && mkdir.path.getParent().equals(e.path) && e.time > mkdir.time
                        && e.time < acknowledged)).as("power cut: the new directory %s was fsynced into its parent", blobs.relativize(mkdir.path))
                        .isTrue();
            }
            // 4. the record of it: Derby's log written synchronously (O_DSYNC) or fsynced after all that, before the acknowledgement
            Path db = home.resolve("db");
            assertThat(events.stream().anyMatch(e -> e.path != null && e.path.startsWith(db) && e.path.toString().contains("/log/")
                    && e.time > dirSynced && e.time < acknowledged
                    && (e.isSync() || (e.op.equals("write") && e.result > 0 && (e.flags & O_DSYNC) != 0))))
                    .as("power cut: the database commit recording %s reached the disk (Derby's log synced) before the acknowledgement",
                            target.getFileName()).isTrue();
        }
        return created;
    }

    /** One traced call; for fd calls, the path and flags of the open that made the fd. */
    record Event(long time, String op, long result, int flags, Path path, Path path2) {
        boolean isSync() {
            return (op.equals("fsync") || op.equals("fdatasync")) && result == 0;
        }
    }

    static List<Event> parse(List<String> lines) {
        Map<Integer, Event> open = new HashMap<>();
        List<Event> events = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ", 6);
            if (f.length < 4) {
                fail("unreadable trace line: " + line);
            }
            long time = Long.parseLong(f[0]);
            String op = f[1];
            long result = Long.parseLong(f[3]);
            switch (op) {
                case "open" -> {
                    Event e = new Event(time, op, 0, Integer.parseInt(f[4]), Path.of(f[5]), null);
                    open.put(Integer.parseInt(f[2]), e);
                    events.add(e);
                }
                case "rename" -> events.add(new Event(time, op, result, 0, Path.of(f[4]), Path.of(f[5]))); // paths have no spaces here
                case "mkdir" -> events.add(new Event(time, op, result, 0, Path.of(line.split(" ", 5)[4]), null));
                default -> {
                    int fd = Integer.parseInt(f[2]);
                    Event opened = open.get(fd);
                    events.add(new Event(time, op, result, opened == null ? 0 : opened.flags, opened == null ? null : opened.path, null));
                    if (op.equals("close")) {
                        open.remove(fd);
                    }
                }
            }
        }
        events.removeIf(e -> e.path == null && !Objects.equals(e.op, "rename"));
        return events;
    }
}
