package org.treatyexchange.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * The time bound every fuzz target here keeps per input: a parser of hostile input that needs more
 * than a second for an input of a few KiB is a denial-of-service lever. An input over the bound is
 * run once more and fails only if it is slow again, so that class loading, JIT compilation and
 * Jazzer's instrumentation (paid by whichever input first reaches new code) are not findings.
 */
final class PerInput {

    static final Duration LIMIT = Duration.ofSeconds(1);

    interface Check {
        void run() throws Exception;
    }

    private PerInput() {
    }

    static void check(Check check) throws Exception {
        if (time(check).compareTo(LIMIT) >= 0) {
            assertThat(time(check)).as("time for one input (second run)").isLessThan(LIMIT);
        }
    }

    private static Duration time(Check check) throws Exception {
        long start = System.nanoTime();
        check.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
