package org.treatyexchange.server.api;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Token buckets keyed by client certificate fingerprint, shared by all channels: each key may make
 * {@code perMinute} requests in a burst and then one every {@code 60 s / perMinute}. Any well-formed
 * certificate gets through TLS, so the number of keys is bounded: past {@code maxKeys}, idle (full)
 * buckets are dropped, and if that is not enough the newcomers share one overflow bucket.
 * Thread-safe; never blocks.
 */
final class RateLimiter {

    private final double capacity;
    private final double tokensPerNano;
    private final LongSupplier nanoTime;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;

    RateLimiter(int perMinute, LongSupplier nanoTime, int maxKeys) {
        this.capacity = perMinute;
        this.tokensPerNano = perMinute / (double) TimeUnit.MINUTES.toNanos(1);
        this.nanoTime = nanoTime;
        this.maxKeys = maxKeys;
        this.overflow = new Bucket(capacity, nanoTime.getAsLong());
    }

    /** Takes a token for {@code key}: 0 if granted, else the whole seconds to wait before the next one. */
    long acquire(String key) {
        long now = nanoTime.getAsLong();
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxKeys) {
                evictIdle(now);
            }
            b = buckets.size() >= maxKeys ? overflow : buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
        }
        return b.take(now);
    }

    int size() {
        return buckets.size();
    }

    private void evictIdle(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext();) {
            if (it.next().isFull(now)) {
                it.remove();
            }
        }
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.last = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanos = (1 - tokens) / tokensPerNano;
            return Math.max(1, (long) Math.ceil(nanos / TimeUnit.SECONDS.toNanos(1)));
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            if (now > last) {
                tokens = Math.min(capacity, tokens + (now - last) * tokensPerNano);
                last = now;
            }
        }
    }
}
