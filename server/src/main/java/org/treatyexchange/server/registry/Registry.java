package org.treatyexchange.server.registry;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable, validated snapshot of the registry. Lookups scan the lists: a registry holds a
 * few hundred entries at most, and a snapshot is replaced, never mutated.
 *
 * @param states every State, parties and signatories, codes unique
 * @param accounts every account, names unique
 */
public record Registry(List<StateEntry> states, List<Account> accounts) {

    public Registry {
        states = List.copyOf(states);
        accounts = List.copyOf(accounts);
        Set<String> seen = new HashSet<>();
        for (StateEntry s : states) {
            if (!seen.add(s.code())) {
                throw new IllegalArgumentException("duplicate State code " + s.code());
            }
        }
        seen.clear();
        for (Account a : accounts) {
            if (!seen.add(a.name())) {
                throw new IllegalArgumentException("duplicate account name " + a.name());
            }
        }
        seen.clear();
        for (Account a : accounts) {
            for (RegisteredCertificate c : a.certificates()) {
                if (!seen.add(c.fingerprint())) {
                    throw new IllegalArgumentException("certificate " + c.fingerprint() + " is registered twice");
                }
            }
        }
    }

    /**
     * The enabled account to which an unrevoked certificate with this fingerprint (lower-case hex
     * SHA-256 of the DER) is registered; empty for unknown, revoked, or disabled.
     */
    public Optional<Account> accountByCertificate(String fingerprint) {
        return accounts.stream().filter(a -> !a.disabled() && a.hasActiveCertificate(fingerprint)).findFirst();
    }

    /** The registered certificate with this fingerprint, revoked or not, of any account. */
    public Optional<RegisteredCertificate> certificate(String fingerprint) {
        return accounts.stream().flatMap(a -> a.certificates().stream())
                .filter(c -> c.fingerprint().equals(fingerprint)).findFirst();
    }

    /** The State with this ISO 3166 alpha-3 code, party or signatory. */
    public Optional<StateEntry> state(String code) {
        return states.stream().filter(s -> s.code().equals(code)).findFirst();
    }

    /** This registry with one State replaced by its entry of the same code; unchanged when there is none. */
    public Registry withState(StateEntry changed) {
        return new Registry(states.stream().map(s -> s.code().equals(changed.code()) ? changed : s).toList(), accounts);
    }

    /** The account with this login name, enabled or not. */
    public Optional<Account> account(String name) {
        return accounts.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** The accounts of one State, in file order. */
    public List<Account> accountsOf(String stateCode) {
        return accounts.stream().filter(a -> stateCode.equals(a.stateCode())).toList();
    }

    /** The States Parties, which receive redistributed reports; signatories are not among them. */
    public List<StateEntry> statesParties() {
        return states.stream().filter(StateEntry::isStateParty).toList();
    }
}
