package org.treatyexchange.server.application;

import java.util.Arrays;
import java.util.Optional;
import org.treatyexchange.server.crypto.PasswordHash;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.Registry;

/**
 * The one rule for a login password, whatever the channel (SSH password authentication, the portal):
 * the account must exist, be enabled and have a registered Argon2id hash that the password matches.
 * Every check costs one KDF run, whether the account exists, has a hash or not, so neither the answer
 * nor its timing tells these apart. The password is wiped once checked; neither it nor the hash is
 * ever logged or audited.
 */
public final class Passwords {

    private Passwords() {
    }

    /**
     * The outcome of one password check.
     *
     * @param account the account the password proved, or empty
     * @param failure why not, for the audit trail ({@code unknown-or-disabled-account},
     *     {@code no-password-registered}, {@code wrong-password}); null on success
     */
    public record Check(Optional<Account> account, String failure) {
        public boolean proved() {
            return failure == null;
        }
    }

    /** Checks {@code password} for {@code name} against the registry; wipes {@code password}. */
    public static Check check(Registry registry, String name, char[] password) {
        Optional<Account> account = registry.account(name).filter(a -> !a.disabled());
        PasswordHash hash = account.map(Account::passwordHash).orElse(null);
        boolean matches;
        try {
            matches = hash != null ? hash.matches(password) : PasswordHash.matchesNothing(password);
        } finally {
            Arrays.fill(password, '\0');
        }
        if (matches) {
            return new Check(account, null);
        }
        return new Check(Optional.empty(), account.isEmpty() ? "unknown-or-disabled-account"
                : hash == null ? "no-password-registered" : "wrong-password");
    }
}
