package org.treatyexchange.server.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.sdk.MessageClient;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.Envelope;
import org.treatyexchange.sdk.wire.MessageType;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.ServerProcess;

/**
 * Soak (not part of the build: run by {@code scripts/soak [minutes]}): the real server in its own JVM
 * (256 MiB heap) under mixed load for a bounded time — SFTP uploads by three States, signed messages
 * from four national systems (each under its rate limit), the secretariat releasing and reading, States
 * reading their queues. Prints every error (there must be none) and, every 30 s, the server's heap
 * after a full GC and its resident memory; the heap after GC must stay flat (the last third of the run
 * at most 25% + 16 MiB above the first third).
 */
class SoakRun {

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @TempDir
    Path tmp;

    @Test
    void mixedLoadForABoundedTimeWithNoErrorsAndFlatMemory() throws Exception {
        long minutes = Long.getLong("soak.minutes", 10);
        Duration length = Duration.ofMinutes(minutes);
        Path home = tmp.resolve("home");
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicLong uploads = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        AtomicLong releases = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        List<long[]> samples = new ArrayList<>(); // seconds, heap after GC (KiB), RSS (KiB)
        ServerProcess server = ServerProcess.start(home, "256m");
        try (ProcessClients clients = new ProcessClients()) {
            clients.target(server);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            for (String[] u : new String[][] {{"arcadia-officer", "ARC"}, {"borealia-officer", "BOR"}, {"calvera-officer", "CAL"}}) {
                workers.add(worker(u[0], stop, errors, () -> {
                    byte[] doc = content();
                    try (SftpClient sftp = clients.sftp(u[0]); OutputStream out = sftp.write("/submit/annual-report/states-parties/soak-"
                            + u[1] + "-" + uploads.incrementAndGet() + ".pdf")) {
                        out.write(doc);
                    }
                }));
            }
            for (String[] s : new String[][] {{"sylvania-system", "SYL"}, {"calvera-system", "CAL"}, {"arcadia-system", "ARC"},
                {"borealia-system", "BOR"}}) {
                MessageClient api = clients.api(s[0]);
                workers.add(worker(s[0], stop, errors, () -> {
                    long n = messages.incrementAndGet();
                    Path file = tmp.resolve("m-" + n + ".pdf");
                    Files.write(file, content());
                    Envelope e = Envelope.builder().messageId("soak-" + s[1] + "-" + n).type(MessageType.FILING).state(s[1])
                            .level(ConfidentialityLevel.STATES_PARTIES).reportType("national-report").period("2026").title("Soak " + n)
                            .withheld(false).document("soak-" + n + ".pdf", file, "application/pdf").build();
                    api.send(e, Map.of("soak-" + n + ".pdf", file));
                    Files.delete(file);
                    Thread.sleep(700); // stays under the 120 requests a minute each client may make
                }));
            }
            workers.add(worker("secretariat", stop, errors, () -> {
                ProcessClients.AdminResult listed = clients.admin("filings", "--status", "pending");
                if (listed.code() != 0) {
                    throw new IllegalStateException("admin filings: " + listed.output());
                }
                List<String> pending = listed.lines();
                if (!pending.isEmpty()) {
                    String id = pending.get(ThreadLocalRandom.current().nextInt(pending.size())).trim().split("\\s+")[0];
                    ProcessClients.AdminResult r = clients.admin("release", id);
                    if (r.code() != 0) {
                        throw new IllegalStateException("release " + id + ": " + r.output());
                    }
                    releases.incrementAndGet();
                }
                Thread.sleep(300);
            }));
            workers.add(worker("reader", stop, errors, () -> {
                ProcessClients.AdminResult listed = clients.admin("filings");
                if (listed.code() != 0) {
                    throw new IllegalStateException("admin filings: " + listed.output());
                }
                List<String> all = listed.lines();
                if (!all.isEmpty()) {
                    String[] f = all.get(ThreadLocalRandom.current().nextInt(all.size())).trim().split("\\s+");
                    try (SftpClient sftp = clients.sftp("secretariat"); InputStream in = sftp.read("/filings/" + f[1] + "/" + f[0] + "/" + f[6])) {
                        long n = in.transferTo(OutputStream.nullOutputStream());
                        if (n != Long.parseLong(f[5])) {
                            throw new IllegalStateException("filing " + f[0] + " read " + n + " bytes of " + f[5]);
                        }
                    }
                    reads.incrementAndGet();
                }
                MessageClient inbox = clients.api("borealia-officer");
                List<InboxEntry> entries = inbox.inbox(0, 50);
                if (!entries.isEmpty()) {
                    inbox.fetch(entries.get(entries.size() - 1).seq());
                    reads.incrementAndGet();
                }
                Thread.sleep(700);
            }));
            long startNanos = System.nanoTime();
            workers.forEach(Thread::start);
            while (System.nanoTime() - startNanos < length.toNanos()) {
                Thread.sleep(Math.min(30_000, Math.max(1, (length.toNanos() - (System.nanoTime() - startNanos)) / 1_000_000)));
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
                long[] sample = {seconds, heapAfterGc(server.pid()), rss(server.pid())};
                samples.add(sample);
                System.out.printf("soak t=%4ds heapAfterGC=%6.1f MiB rss=%6.1f MiB uploads=%d messages=%d releases=%d reads=%d errors=%d%n",
                        seconds, sample[1] / 1024.0, sample[2] / 1024.0, uploads.get(), messages.get(), releases.get(), reads.get(),
                        errors.size());
            }
            stop.set(true);
            for (Thread t : workers) {
                t.join(120_000);
            }
            ProcessClients.AdminResult audit = clients.admin("verify-audit");
            System.out.println("soak audit: " + audit.output().strip());
            if (audit.code() != 0) {
                errors.add("audit chain: " + audit.output());
            }
        } finally {
            server.close();
        }
        errors.forEach(e -> System.out.println("soak ERROR " + e));
        int third = Math.max(1, samples.size() / 3);
        double first = samples.subList(0, third).stream().mapToLong(s -> s[1]).average().orElse(0);
        double last = samples.subList(samples.size() - third, samples.size()).stream().mapToLong(s -> s[1]).average().orElse(0);
        boolean flat = last <= first * 1.25 + 16 * 1024;
        System.out.printf("soak summary: %d min, %d uploads, %d messages, %d releases, %d reads, %d errors; heap after GC first third "
                + "%.1f MiB, last third %.1f MiB: %s%n", minutes, uploads.get(), messages.get(), releases.get(), reads.get(), errors.size(),
                first / 1024, last / 1024, flat ? "flat" : "GROWING");
        assertThat(errors).isEmpty();
        assertThat(flat).as("heap after GC stays flat").isTrue();
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static Thread worker(String name, AtomicBoolean stop, List<String> errors, Step step) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                try {
                    step.run();
                } catch (Exception e) {
                    if (!stop.get()) {
                        errors.add(name + ": " + e);
                    }
                }
            }
        }, "soak-" + name);
        t.setDaemon(true);
        return t;
    }

    /** Mostly small, sometimes up to 1 MiB. */
    private static byte[] content() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] b = new byte[r.nextInt(10) == 0 ? r.nextInt(128 * 1024, 1024 * 1024) : r.nextInt(1, 64 * 1024)];
        r.nextBytes(b);
        return b;
    }

    /** The server's heap in use right after a full GC, in KiB (jcmd). */
    private static long heapAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Processes.run(Path.of("."), List.of(jcmd, Long.toString(pid), "GC.run"));
        Processes.Result info = Processes.run(Path.of("."), List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        Matcher m = HEAP_USED.matcher(info.output());
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info gave no heap figure: " + info.output());
        }
        return Long.parseLong(m.group(1));
    }

    private static long rss(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
