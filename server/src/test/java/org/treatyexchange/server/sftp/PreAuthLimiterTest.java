package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limiter's arithmetic with an injected clock: no sleeping, no sockets ({@link PreAuthFloodTest} has the real thing). */
class PreAuthLimiterTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);

    PreAuthLimiter limiter(int max, int perSource, int perSecond, int burst) {
        return new PreAuthLimiter(max, perSource, perSecond, burst, now::get);
    }

    @Test
    void aSourceHoldsAtMostItsShareAndOthersKeepTheRest() {
        PreAuthLimiter l = limiter(10, 3, 1000, 1000);
        for (int i = 0; i < 3; i++) {
            assertThat(l.admit("192.0.2.1")).isNull();
        }
        assertThat(l.admit("192.0.2.1")).contains("from this address");
        for (int i = 0; i < 3; i++) {
            assertThat(l.admit("192.0.2." + (10 + i))).isNull();
        }
        assertThat(l.pending()).isEqualTo(6);
        assertThat(l.pending("192.0.2.1")).isEqualTo(3);
    }

    @Test
    void theGlobalCapStillHolds() {
        PreAuthLimiter l = limiter(4, 3, 1000, 1000);
        for (int i = 0; i < 4; i++) {
            assertThat(l.admit("198.51.100." + i)).isNull();
        }
        assertThat(l.admit("198.51.100.200")).contains("4 connections are already waiting");
    }

    @Test
    void newConnectionsFromOneSourceAreABurstThenARate() {
        PreAuthLimiter l = limiter(1000, 1000, 10, 50);
        int admitted = 0;
        for (int i = 0; i < 200; i++) {
            if (l.admit("203.0.113.9") == null) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(50);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1_000)); // one second: ten more tokens
        admitted = 0;
        for (int i = 0; i < 200; i++) {
            if (l.admit("203.0.113.9") == null) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(10);
        assertThat(l.admit("203.0.113.10")).as("another source has its own bucket").isNull();
    }

    @Test
    void theMapOfSourcesIsBounded() {
        PreAuthLimiter l = limiter(10_000, 10, 1, 1);
        for (int i = 0; i < PreAuthLimiter.MAX_TRACKED + 500; i++) {
            l.admit("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
            // nothing is released: the sources with a connection pending (at most the global cap) stay, idle ones are forgotten
        }
        assertThat(l.tracked()).isLessThanOrEqualTo(10_000 + 1);
        assertThat(l.pending()).isEqualTo(10_000);
    }
}
