package org.treatyexchange.server.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a registry reload changed, for the audit event. Entries read {@code state ARC},
 * {@code account arcadia-officer}; a changed entry names what changed, e.g.
 * {@code account arcadia-officer: disabled, key added SHA256:…, certificate revoked 3f9a…}.
 */
public record RegistryChange(List<String> added, List<String> removed, List<String> changed) {
    public RegistryChange {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /** Whether the reload changed nothing. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    static RegistryChange between(Registry before, Registry after) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        Map<String, StateEntry> oldStates = index(before.states(), StateEntry::code);
        Map<String, StateEntry> newStates = index(after.states(), StateEntry::code);
        for (StateEntry s : after.states()) {
            StateEntry old = oldStates.get(s.code());
            if (old == null) {
                added.add("state " + s.code());
            } else if (!old.equals(s)) {
                changed.add("state " + s.code() + ": " + String.join(", ", stateDifferences(old, s)));
            }
        }
        before.states().stream().filter(s -> !newStates.containsKey(s.code()))
                .forEach(s -> removed.add("state " + s.code()));

        Map<String, Account> oldAccounts = index(before.accounts(), Account::name);
        Map<String, Account> newAccounts = index(after.accounts(), Account::name);
        for (Account a : after.accounts()) {
            Account old = oldAccounts.get(a.name());
            if (old == null) {
                added.add("account " + a.name());
            } else {
                List<String> differences = accountDifferences(old, a);
                if (!differences.isEmpty()) {
                    changed.add("account " + a.name() + ": " + String.join(", ", differences));
                }
            }
        }
        before.accounts().stream().filter(a -> !newAccounts.containsKey(a.name()))
                .forEach(a -> removed.add("account " + a.name()));
        return new RegistryChange(added, removed, changed);
    }

    private static List<String> stateDifferences(StateEntry a, StateEntry b) {
        List<String> out = new ArrayList<>();
        if (!a.name().equals(b.name())) {
            out.add("name");
        }
        if (a.status() != b.status()) {
            out.add("status " + b.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        if (!a.instructions().equals(b.instructions())) {
            out.add("instructions");
        }
        if (!a.contacts().equals(b.contacts())) {
            out.add("contacts");
        }
        if (!a.entryIntoForce().equals(b.entryIntoForce())) {
            out.add("entryIntoForce");
        }
        return out;
    }

    private static List<String> accountDifferences(Account a, Account b) {
        List<String> out = new ArrayList<>();
        if (a.role() != b.role()) {
            out.add("role");
        }
        if (!Objects.equals(a.stateCode(), b.stateCode())) {
            out.add("state");
        }
        if (a.disabled() != b.disabled()) {
            out.add(b.disabled() ? "disabled" : "enabled");
        }
        if (a.demoKey() != b.demoKey()) {
            out.add("demoKey");
        }
        // Keys compare by fingerprint: the identity the audit log and receipts use.
        Set<String> oldKeys = fingerprints(a);
        Set<String> newKeys = fingerprints(b);
        newKeys.stream().filter(k -> !oldKeys.contains(k)).forEach(k -> out.add("key added " + k));
        oldKeys.stream().filter(k -> !newKeys.contains(k)).forEach(k -> out.add("key removed " + k));
        Map<String, RegisteredCertificate> oldCerts = certificates(a);
        Map<String, RegisteredCertificate> newCerts = certificates(b);
        for (RegisteredCertificate c : newCerts.values()) {
            RegisteredCertificate old = oldCerts.get(c.fingerprint());
            if (old == null) {
                out.add("certificate added " + c.fingerprint() + (c.revoked() ? " (revoked)" : ""));
            } else if (old.revoked() != c.revoked()) {
                out.add((c.revoked() ? "certificate revoked " : "certificate reinstated ") + c.fingerprint());
            }
        }
        oldCerts.keySet().stream().filter(f -> !newCerts.containsKey(f))
                .forEach(f -> out.add("certificate removed " + f));
        return out;
    }

    private static Set<String> fingerprints(Account a) {
        return a.sshKeys().stream().map(AuthorizedKey::fingerprint).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static Map<String, RegisteredCertificate> certificates(Account a) {
        Map<String, RegisteredCertificate> out = new LinkedHashMap<>();
        a.certificates().forEach(c -> out.put(c.fingerprint(), c));
        return out;
    }

    private static <T> Map<String, T> index(List<T> items, Function<T, String> key) {
        return items.stream().collect(Collectors.toMap(key, Function.identity()));
    }
}
