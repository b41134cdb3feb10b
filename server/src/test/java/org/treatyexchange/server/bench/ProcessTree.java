package org.treatyexchange.server.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process and all its descendants at one instant, read from Linux {@code /proc}: a JVM server is one
 * process, OpenSSH's sshd is a listener plus two processes per connection. Processes that vanish while
 * being read are skipped.
 */
final class ProcessTree {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final List<Long> pids;

    private ProcessTree(List<Long> pids) {
        this.pids = pids;
    }

    static ProcessTree of(long root) throws IOException {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : proc) {
                String[] stat = stat(p);
                if (stat != null) {
                    children.computeIfAbsent(Long.parseLong(stat[1]), k -> new ArrayList<>()).add(Long.parseLong(p.getFileName().toString()));
                }
            }
        }
        List<Long> out = new ArrayList<>();
        List<Long> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            long pid = todo.remove(todo.size() - 1);
            out.add(pid);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return new ProcessTree(out);
    }

    int size() {
        return pids.size();
    }

    /**
     * User plus system CPU time in milliseconds of the live processes and of the children they have
     * reaped (an OpenSSH connection's processes are gone by the time a transfer is measured).
     */
    long cpuMillis() {
        long ticks = 0;
        for (long pid : pids) {
            String[] stat = stat(Path.of("/proc", Long.toString(pid)));
            if (stat != null) {
                ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) // utime, stime
                        + Long.parseLong(stat[13]) + Long.parseLong(stat[14]); // cutime, cstime
            }
        }
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    /** Resident set, summed (counts shared pages once per process). */
    long rssKib() {
        return sumField("status", "VmRSS:");
    }

    /** Proportional set size, summed: shared pages split between their sharers, so a fair total for many processes. */
    long pssKib() {
        return sumField("smaps_rollup", "Pss:");
    }

    private long sumField(String file, String field) {
        long kib = 0;
        for (long pid : pids) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
                    if (line.startsWith(field)) {
                        kib += Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process exited meanwhile
            }
        }
        return kib;
    }

    /** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ... [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] stat(Path dir) {
        try {
            String s = Files.readString(dir.resolve("stat"));
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
