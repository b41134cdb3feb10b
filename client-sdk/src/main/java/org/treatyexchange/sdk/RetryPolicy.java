package org.treatyexchange.sdk;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * How often and how patiently {@link ExchangeClient} retries after a network fault: at most
 * {@code attempts} tries in all, waiting {@code initialDelay}, then twice as long each time, never more
 * than {@code maxDelay}, plus up to 20 % random jitter (so many national systems that lost the exchange
 * at once do not come back in step). When a busy exchange names its {@code Retry-After}, that wait
 * (at most {@code maxDelay}) plus up to 50 % jitter replaces the doubling ({@link #waitAfter}).
 *
 * <p>Only faults where trying again is safe and may help are retried: a connection that could not be
 * made or broke, a timeout, and the exchange saying it is busy (HTTP 429, 503). A refusal (bad input,
 * a signature that does not verify, a quota) is never retried. Retrying cannot duplicate anything: a
 * message is resent with the same signed envelope (the exchange answers with the original receipt),
 * and an SFTP upload is first matched against the receipts that appeared since the first try.
 *
 * @param attempts     tries in all, at least 1 (1 = no retry)
 * @param initialDelay wait before the second try; not negative
 * @param maxDelay     longest wait between two tries; at least {@code initialDelay}
 */
public record RetryPolicy(int attempts, Duration initialDelay, Duration maxDelay) {

    /** Five tries over about a minute: 2 s, 4 s, 8 s, 16 s (plus jitter). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(2), Duration.ofSeconds(30));
    /** One try only. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    /** @throws IllegalArgumentException naming the value that is out of range */
    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (attempts < 1 || attempts > 100) {
            throw new IllegalArgumentException("attempts must be 1 to 100");
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("delays must not be negative and maxDelay must be at least initialDelay");
        }
    }

    /** The wait before try number {@code attempt + 1} (attempt counts from 1), without jitter. */
    public Duration delayAfter(int attempt) {
        Duration d = initialDelay;
        for (int i = 1; i < attempt && d.compareTo(maxDelay) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxDelay) > 0 ? maxDelay : d;
    }

    /**
     * The wait before try number {@code attempt + 1} after {@code failure}, jitter included: the
     * exchange's own {@code Retry-After} when it named one (a busy exchange knows best when it will have
     * room; at most {@code maxDelay}) plus up to 50 % (the clients it turned away together must not come
     * back together), else {@link #delayAfter} plus up to 20 %.
     *
     * @param random a number in [0, 1)
     */
    public Duration waitAfter(int attempt, Throwable failure, double random) {
        if (failure instanceof ExchangeException e && e.retryAfter().isPresent()) {
            Duration asked = e.retryAfter().get();
            Duration base = asked.compareTo(maxDelay) > 0 ? maxDelay : asked;
            return base.plusMillis((long) (base.toMillis() * 0.5 * random));
        }
        Duration base = delayAfter(attempt);
        return base.plusMillis((long) (base.toMillis() * 0.2 * random));
    }

    /**
     * Whether {@code failure} is a network fault or a busy exchange, worth another try. A refused SSH
     * login or a host key that is not the pinned one is not: trying again cannot change the answer.
     */
    public static boolean retryable(Throwable failure) {
        if (sshDisconnect(failure) == SshConstants.SSH2_DISCONNECT_HOST_KEY_NOT_VERIFIABLE
                || sshDisconnect(failure) == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
            return false;
        }
        if (failure instanceof ExchangeException e) {
            return e.status() == 429 || e.status() == 503;
        }
        if (failure instanceof SftpException e) {
            // a status the server sent is an answer, not a fault; only MINA's own "connection lost" codes are faults
            return e.getStatus() == SftpConstants.SSH_FX_NO_CONNECTION || e.getStatus() == SftpConstants.SSH_FX_CONNECTION_LOST;
        }
        return failure instanceof IOException;
    }

    /** The SSH disconnect reason carried by {@code failure} or one of its causes, or 0. */
    public static int sshDisconnect(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SshException e && e.getDisconnectCode() != 0) {
                return e.getDisconnectCode();
            }
        }
        return 0;
    }
}
