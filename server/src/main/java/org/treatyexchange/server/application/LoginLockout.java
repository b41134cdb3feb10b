package org.treatyexchange.server.application;

import java.time.Clock;
import java.time.Duration;

/**
 * The one lockout after repeated failed logins, shared by every channel where a secret is proved (SSH
 * keys and passwords, the portal's password and second factor): a failure on one channel counts on all,
 * and a locked-out account or source is refused on all. Per source address and per account name, names
 * counted whether they exist or not (so the lockout reveals nothing about which accounts exist).
 *
 * <p>In memory, per node (like the SSH lockout it replaces); thread-safe, calls are short and never block
 * on I/O, so MINA's I/O threads may call it. The edges audit a lockout when {@code fail…} reports one began.
 */
public final class LoginLockout {

    /** How many keys each counter remembers at most (a flood of invented names cannot exhaust the heap). */
    static final int MAX_TRACKED = 10_000;

    private final LoginThrottle sources;
    private final LoginThrottle accounts;

    /**
     * @param maxFailures failures within {@code window} that lock a source or an account out
     * @param window how far back failures count
     * @param duration how long a lockout lasts
     * @param clock time source (tests move it)
     */
    public LoginLockout(int maxFailures, Duration window, Duration duration, Clock clock) {
        this.sources = new LoginThrottle(maxFailures, window, duration, MAX_TRACKED, clock);
        this.accounts = new LoginThrottle(maxFailures, window, duration, MAX_TRACKED, clock);
    }

    /** Whether a login as {@code account} from {@code source} must be refused whatever it proves. */
    public boolean lockedOut(String account, String source) {
        return accounts.isLockedOut(account) || sources.isLockedOut(source);
    }

    public boolean sourceLockedOut(String source) {
        return sources.isLockedOut(source);
    }

    /** Counts one failure of {@code source}; true when it started the source's lockout (audit it). */
    public boolean failSource(String source) {
        return sources.fail(source);
    }

    /** Counts one failure of {@code account}; true when it started the account's lockout (audit it). */
    public boolean failAccount(String account) {
        return accounts.fail(account);
    }

    /** Forgets {@code account}'s failures once it proved itself; an active lockout stays. */
    public void succeeded(String account) {
        accounts.succeed(account);
    }
}
