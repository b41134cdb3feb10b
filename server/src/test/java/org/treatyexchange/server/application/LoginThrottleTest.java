package org.treatyexchange.server.application;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The lockout arithmetic, on a clock the test moves. */
class LoginThrottleTest {

    /** A clock that stands still until the test moves it. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-05-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovableClock clock = new MovableClock();
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofMinutes(10), Duration.ofMinutes(15), 100, clock);

    @Test
    void theThirdFailureInTheWindowLocksOutUntilTheLockoutEnds() {
        assertThat(throttle.fail("10.0.0.1")).isFalse();
        assertThat(throttle.fail("10.0.0.1")).isFalse();
        assertThat(throttle.isLockedOut("10.0.0.1")).isFalse();
        assertThat(throttle.fail("10.0.0.1")).isTrue();
        assertThat(throttle.isLockedOut("10.0.0.1")).isTrue();
        assertThat(throttle.isLockedOut("10.0.0.2")).isFalse();

        clock.advance(Duration.ofMinutes(14));
        assertThat(throttle.isLockedOut("10.0.0.1")).isTrue();
        throttle.succeed("10.0.0.1"); // proving a key does not lift a running lockout
        assertThat(throttle.isLockedOut("10.0.0.1")).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.isLockedOut("10.0.0.1")).isFalse();
        // and the count starts afresh
        assertThat(throttle.fail("10.0.0.1")).isFalse();
        assertThat(throttle.isLockedOut("10.0.0.1")).isFalse();
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        throttle.fail("arcadia-officer");
        throttle.fail("arcadia-officer");
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(throttle.fail("arcadia-officer")).isFalse();
        assertThat(throttle.isLockedOut("arcadia-officer")).isFalse();
        throttle.fail("arcadia-officer");
        assertThat(throttle.fail("arcadia-officer")).isTrue();
    }

    @Test
    void aSuccessForgetsEarlierFailures() {
        throttle.fail("arcadia-officer");
        throttle.fail("arcadia-officer");
        throttle.succeed("arcadia-officer");
        assertThat(throttle.fail("arcadia-officer")).isFalse();
        assertThat(throttle.fail("arcadia-officer")).isFalse();
        assertThat(throttle.isLockedOut("arcadia-officer")).isFalse();
    }

    @Test
    void memoryIsBoundedWhateverTheNumberOfNames() {
        LoginThrottle small = new LoginThrottle(3, Duration.ofMinutes(10), Duration.ofMinutes(15), 50, clock);
        for (int i = 0; i < 10_000; i++) {
            small.fail("invented-" + i);
        }
        assertThat(small.size()).isEqualTo(50);
    }
}
