package org.treatyexchange.server.timestamp;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.server.crypto.SignatureCheckException;
import org.treatyexchange.server.crypto.TimestampRequest;

/**
 * The configured time-stamping authorities, asked over HTTP(S) as RFC 3161 section 3.4 says (a POST of
 * {@code application/timestamp-query}, answered with {@code application/timestamp-reply}), one after the other until
 * one grants a token that verifies, all within one deadline. Answers are bounded in size; no redirect is followed.
 * Blocks the calling thread: never call it on an I/O thread or inside a transaction.
 */
final class TimestampAuthorities {

    private static final Logger LOG = LoggerFactory.getLogger(TimestampAuthorities.class);
    /** A token with its authority's certificate chain is a few KB. */
    static final int MAX_REPLY_BYTES = 64 * 1024;

    private final List<URI> urls;
    private final List<X509Certificate> trusted;
    private final HttpClient http;

    TimestampAuthorities(List<URI> urls, List<X509Certificate> trusted, Duration connectTimeout) {
        this.urls = List.copyOf(urls);
        this.trusted = List.copyOf(trusted);
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The receipt with a token from the first authority that grants one before {@code deadline}; empty if none did. */
    Optional<TimestampRequest.Stamped> stamp(String receiptRef, byte[] receipt, Instant deadline, java.time.Clock clock) {
        TimestampRequest request;
        try {
            request = TimestampRequest.forReceipt(receipt);
        } catch (SignatureCheckException e) {
            LOG.error("receipt {}: cannot ask a timestamp for it: {}", receiptRef, e.getMessage());
            return Optional.empty();
        }
        byte[] body = request.encoded();
        for (URI url : urls) {
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                break;
            }
            try {
                byte[] reply = post(url, body, left);
                return Optional.of(request.attach(reply, trusted));
            } catch (IOException e) {
                LOG.warn("receipt {}: time-stamping authority {} unavailable: {}", receiptRef, url, e.getMessage());
            } catch (SignatureCheckException e) {
                LOG.warn("receipt {}: time-stamping authority {} answered with no usable token: {}", receiptRef, url, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    private byte[] post(URI url, byte[] body, Duration timeout) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/timestamp-query")
                .header("Accept", "application/timestamp-reply")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> response = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode());
            }
            byte[] reply = in.readNBytes(MAX_REPLY_BYTES + 1);
            if (reply.length > MAX_REPLY_BYTES) {
                throw new IOException("the answer is larger than " + MAX_REPLY_BYTES + " bytes");
            }
            return reply;
        }
    }
}
