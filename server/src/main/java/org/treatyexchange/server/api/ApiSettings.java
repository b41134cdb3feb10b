package org.treatyexchange.server.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The limits and TLS parameters of the HTTPS edge. Immutable; the constructor checks every value and
 * names the component and the fix in its {@link IllegalArgumentException}, so a bad configuration
 * fails at start-up, never at the first request.
 *
 * @param bind address to listen on ({@code 127.0.0.1} by default; a public deployment says so)
 * @param port TCP port, 0 for any free port
 * @param maxHeaderBytes the request line plus headers of one request; more is refused with 431
 * @param maxEnvelopeBytes the signed envelope (CMS DER), buffered in memory; more is refused with 413
 * @param maxDocuments documents in one message; more is refused with 413
 * @param maxDocumentBytes one document, streamed; more is refused with 413
 * @param requestsPerMinutePerClient the sustained rate per client certificate (bursts of the same
 *     size); more is refused with 429 and {@code Retry-After}
 * @param idleTimeout how long a connection may sit without a request (the next request head must
 *     arrive completely within it)
 * @param readTimeout how long the server waits for the next bytes of a request body, and for the
 *     TLS handshake; a slow client that stops sending is closed (slowloris); also the grace of
 *     {@code minDataRate}
 * @param minDataRateBytesPerSecond the slowest a request body may arrive, averaged from the end of its
 *     head: a body of N bytes must arrive within {@code readTimeout} + N / rate seconds of the server
 *     waiting for it, else 408 and close (a client trickling a byte every few seconds)
 * @param maxConnectionsPerClient connections one client certificate may hold at once; the first
 *     request on one more is answered 429 and its connection closed
 * @param executorThreads threads that run every gateway call (database, disk, crypto); the event
 *     loops never block
 * @param tlsProtocols a non-empty subset of {@code TLSv1.3} and {@code TLSv1.2}
 * @param cipherSuites forward-secret AEAD suites only (TLS 1.3 suites, ECDHE with AES-GCM or
 *     ChaCha20-Poly1305); anything else is refused here
 */
public record ApiSettings(
        String bind,
        int port,
        int maxHeaderBytes,
        int maxEnvelopeBytes,
        int maxDocuments,
        long maxDocumentBytes,
        int requestsPerMinutePerClient,
        Duration idleTimeout,
        Duration readTimeout,
        int executorThreads,
        List<String> tlsProtocols,
        List<String> cipherSuites,
        long minDataRateBytesPerSecond,
        int maxConnectionsPerClient) {

    /** Default slowest body: 4 KiB/s (32 kbit/s) after the grace. */
    public static final long DEFAULT_MIN_DATA_RATE = 4 * 1024;
    /** Default connections per client certificate. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 16;

    /** The settings with the default minimum data rate and connections per client. */
    public ApiSettings(String bind, int port, int maxHeaderBytes, int maxEnvelopeBytes, int maxDocuments, long maxDocumentBytes,
            int requestsPerMinutePerClient, Duration idleTimeout, Duration readTimeout, int executorThreads, List<String> tlsProtocols,
            List<String> cipherSuites) {
        this(bind, port, maxHeaderBytes, maxEnvelopeBytes, maxDocuments, maxDocumentBytes, requestsPerMinutePerClient, idleTimeout,
                readTimeout, executorThreads, tlsProtocols, cipherSuites, DEFAULT_MIN_DATA_RATE, DEFAULT_MAX_CONNECTIONS_PER_CLIENT);
    }

    /** The only protocols the edge speaks, newest first. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Forward-secret AEAD suites: TLS 1.3, then TLS 1.2 ECDHE with ECDSA or RSA certificates. */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    static final int MAX_ENVELOPE_LIMIT = 16 * 1024 * 1024;
    private static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");
    private static final Pattern TLS13_SUITE = Pattern.compile("TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)");
    private static final Pattern TLS12_SUITE = Pattern.compile(
            "TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)");

    public ApiSettings {
        Objects.requireNonNull(bind, "bind");
        if (bind.isBlank()) {
            throw new IllegalArgumentException("api.bind is blank; give an address such as 127.0.0.1 or 0.0.0.0");
        }
        range("port", port, 0, 65535);
        range("maxHeaderBytes", maxHeaderBytes, 1024, 64 * 1024);
        range("maxEnvelopeBytes", maxEnvelopeBytes, 1, MAX_ENVELOPE_LIMIT);
        range("maxDocuments", maxDocuments, 0, 10_000);
        if (maxDocumentBytes < 1) {
            throw new IllegalArgumentException("api.maxDocumentBytes is " + maxDocumentBytes + "; it must be at least 1");
        }
        range("requestsPerMinutePerClient", requestsPerMinutePerClient, 1, 1_000_000);
        duration("idleTimeout", idleTimeout);
        duration("readTimeout", readTimeout);
        range("executorThreads", executorThreads, 1, 1024);
        range("minDataRateBytesPerSecond", minDataRateBytesPerSecond, 1, 1L << 30);
        range("maxConnectionsPerClient", maxConnectionsPerClient, 1, 10_000);
        tlsProtocols = List.copyOf(Objects.requireNonNull(tlsProtocols, "tlsProtocols"));
        cipherSuites = List.copyOf(Objects.requireNonNull(cipherSuites, "cipherSuites"));
        if (tlsProtocols.isEmpty()) {
            throw new IllegalArgumentException("api.tlsProtocols is empty; use " + DEFAULT_PROTOCOLS);
        }
        for (String p : tlsProtocols) {
            if (!PROTOCOLS.contains(p)) {
                throw new IllegalArgumentException("api.tlsProtocols: " + p + " is not allowed; use TLSv1.3 and/or TLSv1.2");
            }
        }
        if (cipherSuites.isEmpty()) {
            throw new IllegalArgumentException("api.cipherSuites is empty; use the defaults " + DEFAULT_CIPHER_SUITES);
        }
        boolean any13 = false;
        boolean any12 = false;
        for (String c : cipherSuites) {
            boolean is13 = TLS13_SUITE.matcher(c).matches();
            boolean is12 = TLS12_SUITE.matcher(c).matches();
            if (!is13 && !is12) {
                throw new IllegalArgumentException("api.cipherSuites: " + c
                        + " is not a forward-secret AEAD suite; choose from " + DEFAULT_CIPHER_SUITES);
            }
            any13 |= is13;
            any12 |= is12;
        }
        if (tlsProtocols.contains("TLSv1.3") && !any13) {
            throw new IllegalArgumentException("api.cipherSuites has no TLS 1.3 suite but api.tlsProtocols enables TLSv1.3");
        }
        if (tlsProtocols.contains("TLSv1.2") && !any12) {
            throw new IllegalArgumentException("api.cipherSuites has no TLS 1.2 suite but api.tlsProtocols enables TLSv1.2");
        }
    }

    /**
     * Safe defaults: loopback only, port 8443, 8 KiB of headers, 1 MiB envelopes, 20 documents of up
     * to 2 GiB, 120 requests a minute per client, 60 s idle, 30 s read timeout, 8 executor threads,
     * {@link #DEFAULT_PROTOCOLS} and {@link #DEFAULT_CIPHER_SUITES}.
     */
    public static ApiSettings defaults() {
        return new ApiSettings("127.0.0.1", 8443, 8 * 1024, 1024 * 1024, 20, 2L * 1024 * 1024 * 1024, 120,
                Duration.ofSeconds(60), Duration.ofSeconds(30), 8, DEFAULT_PROTOCOLS, DEFAULT_CIPHER_SUITES);
    }

    /** A copy listening on another address and port (0 = any free port). */
    public ApiSettings withListener(String newBind, int newPort) {
        return new ApiSettings(newBind, newPort, maxHeaderBytes, maxEnvelopeBytes, maxDocuments, maxDocumentBytes,
                requestsPerMinutePerClient, idleTimeout, readTimeout, executorThreads, tlsProtocols, cipherSuites,
                minDataRateBytesPerSecond, maxConnectionsPerClient);
    }

    /** The capacity of the executor's queue: requests waiting for a thread beyond it get 503. */
    int executorQueueCapacity() {
        return Math.max(16, executorThreads * 8);
    }

    private static void range(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("api." + name + " is " + value + "; it must be in " + min + ".." + max);
        }
    }

    private static void duration(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("api." + name + " is " + d + "; it must be positive and at most 1 hour");
        }
    }
}
