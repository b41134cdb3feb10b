package org.treatyexchange.server.application;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.server.audit.AuditEvent;
import org.treatyexchange.server.audit.AuditVerification;
import org.treatyexchange.server.audit.AuditVerifier;
import org.treatyexchange.server.crypto.ReceiptSigner;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.store.AuditRow;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * The audit log as the secretariat's console shows it: the chain verified now ({@link AuditVerifier}, as
 * {@code scripts/admin verify-audit}), the latest events with filters, and the signed export an auditor
 * checks offline (the same writer as {@code scripts/admin export-audit}). Secretariat only; every read and
 * export is itself audited.
 */
public final class AuditDesk {

    /** Most events a page lists. */
    public static final int MAX_LISTED = 200;
    /** How far back the filters look, in events. */
    public static final int WINDOW = 5_000;
    private static final int PAGE = 500;

    private final Store store;
    private final RegistryService registry;
    private final ReceiptSigner signer;
    private final AuditTrail audit;
    private final Clock clock;

    public AuditDesk(Store store, RegistryService registry, ReceiptSigner signer, AuditTrail audit, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.signer = signer;
        this.audit = audit;
        this.clock = clock;
    }

    /** The chain checked from its first event to its head, now; audited with the outcome. */
    public AuditVerification verify(Caller caller) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        try {
            AuditVerification v = AuditVerifier.verify(store);
            audit.record(event(caller, "audit.verified", v.intact() ? "intact" : "broken"));
            return v;
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log could not be read", e);
        }
    }

    /**
     * What to list: each field narrows when not null. {@code type} is a prefix ({@code filing.} for every filing
     * event); {@code account} the actor; {@code state} an event by one of the State's accounts or about the State;
     * {@code from} and {@code to} days in UTC, both included.
     */
    public record Filter(String type, String account, String state, LocalDate from, LocalDate to) {
        public static final Filter NONE = new Filter(null, null, null, null, null);
    }

    /** One audit event as the console lists it. */
    public record Event(long seq, java.time.Instant at, String type, String actor, String source, String subject, String outcome,
            String details) {
        static Event of(AuditRow r) {
            return new Event(r.seq(), r.at(), r.type(), r.actor(), r.source(), r.subject(), r.outcome(), r.details());
        }
    }

    /** The newest events that match, newest first, at most {@link #MAX_LISTED}, from the last {@link #WINDOW} events; audited. */
    public List<Event> latest(Caller caller, Filter filter) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        if (filter.from() != null && filter.to() != null && filter.to().isBefore(filter.from())) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the last day is before the first");
        }
        if (filter.state() != null && registry.current().state(filter.state()).isEmpty()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "no State '" + FilingRules.printable(filter.state()) + "' in the registry");
        }
        List<String> stateAccounts = filter.state() == null ? List.of()
                : registry.current().accountsOf(filter.state()).stream().map(Account::name).toList();
        List<Event> out = new ArrayList<>();
        try {
            long head = store.read(tx -> tx.audit().head()).seq();
            long after = Math.max(0, head - WINDOW);
            List<AuditRow> window = new ArrayList<>();
            while (true) {
                final long from = after;
                List<AuditRow> page = store.read(tx -> tx.audit().after(from, PAGE));
                window.addAll(page);
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).seq();
            }
            for (int i = window.size() - 1; i >= 0 && out.size() < MAX_LISTED; i--) {
                AuditRow row = window.get(i);
                if (matches(row, filter, stateAccounts)) {
                    out.add(Event.of(row));
                }
            }
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log could not be read", e);
        }
        audit.record(event(caller, "audit.listed", "-"));
        return out;
    }

    private static boolean matches(AuditRow row, Filter f, List<String> stateAccounts) {
        if (f.type() != null && !row.type().startsWith(f.type())) {
            return false;
        }
        if (f.account() != null && !row.actor().equals(f.account())) {
            return false;
        }
        if (f.state() != null && !stateAccounts.contains(row.actor()) && !row.subject().equals(f.state())
                && !row.details().contains("\"state\":\"" + f.state() + "\"")) {
            return false;
        }
        LocalDate day = LocalDate.ofInstant(row.at(), ZoneOffset.UTC);
        return (f.from() == null || !day.isBefore(f.from())) && (f.to() == null || !day.isAfter(f.to()));
    }

    /**
     * Writes the auditor's export to {@code out} (JSON lines, every event) and returns its count and the server's
     * signature over it: the pair {@code scripts/admin verify-audit --file} checks. Audited before it is written.
     */
    public Administration.AuditExport export(Caller caller, OutputStream out) throws Refusal, IOException {
        SecretariatDesk.requireSecretariat(caller);
        audit.record(event(caller, "audit.exported", "audit"));
        return AuditExporter.write(store, signer, clock, out);
    }

    /** The newest event's seq (0 when the log is empty). */
    public Optional<Long> head(Caller caller) throws Refusal {
        SecretariatDesk.requireSecretariat(caller);
        try {
            long seq = store.read(tx -> tx.audit().head()).seq();
            return seq == 0 ? Optional.empty() : Optional.of(seq);
        } catch (StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit log could not be read", e);
        }
    }

    private static AuditEvent event(Caller caller, String type, String subject) {
        return AuditEvent.ok(type, caller.account(), caller.source(), subject).withDetail("channel", caller.channel().wireName());
    }
}
