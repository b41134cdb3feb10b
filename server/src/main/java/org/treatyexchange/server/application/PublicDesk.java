package org.treatyexchange.server.application;

import java.nio.channels.SeekableByteChannel;
import java.time.Clock;
import org.treatyexchange.server.audit.AuditCheckpoints;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.treatyexchange.server.filing.FilingService;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.release.ReleaseService;
import org.treatyexchange.server.release.Reports;
import org.treatyexchange.server.reporting.StateStatus;
import org.treatyexchange.server.store.FilingRecord;

/**
 * What anyone may see without logging in: the released public reports (those a State chose to make
 * public and the secretariat released to the public area, not withdrawn), and which States Parties filed
 * their annual report for a year — never a restricted document, its title or its name. There is no
 * caller: every read here is one the public may make, and downloads are audited with the source address.
 */
public final class PublicDesk {

    /** Periods as filings carry them: a year, or a year range / quarter such as {@code 2024-2025}. */
    private static final Pattern PERIOD = Pattern.compile("[0-9A-Za-z-]{1,20}");
    private static final Pattern STATE = Pattern.compile("[A-Z]{2,3}");

    private final ReleaseService release;
    private final Reports reports;
    private final FilingService filings;
    private final RegistryService registry;
    private final Set<String> reportTypes;
    private final Clock clock;
    private final AuditCheckpoints checkpoints;

    public PublicDesk(ReleaseService release, Reports reports, FilingService filings, RegistryService registry, Set<String> reportTypes,
            Clock clock) {
        this(release, reports, filings, registry, reportTypes, clock, null);
    }

    /** As above, also publishing the audit chain's newest signed checkpoint ({@code checkpoints} null: none). */
    public PublicDesk(ReleaseService release, Reports reports, FilingService filings, RegistryService registry, Set<String> reportTypes,
            Clock clock, AuditCheckpoints checkpoints) {
        this.release = release;
        this.reports = reports;
        this.filings = filings;
        this.registry = registry;
        this.reportTypes = Set.copyOf(reportTypes);
        this.clock = clock;
        this.checkpoints = checkpoints;
    }

    /**
     * The audit chain's newest signed checkpoint (CMS, DER), for anyone to keep: an anchor outside the server
     * that a later audit export must agree with ({@code verify-audit --anchors}).
     */
    public java.util.Optional<byte[]> latestAuditCheckpoint() throws Refusal {
        if (checkpoints == null) {
            return java.util.Optional.empty();
        }
        try {
            return checkpoints.latestStored().map(c -> c.cms());
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit checkpoint could not be read", e);
        }
    }

    /**
     * The audit chain's newest signed checkpoint as the public site lists it: the event it names, the chain's hash
     * there, and when the server signed it; the signature itself is {@link #latestAuditCheckpoint}.
     */
    public record AuditCheckpoint(long seq, String hash, java.time.Instant signedAt) {
    }

    /** The newest signed checkpoint's position, hash and time, if the server signed one. */
    public java.util.Optional<AuditCheckpoint> latestAuditCheckpointSummary() throws Refusal {
        if (checkpoints == null) {
            return java.util.Optional.empty();
        }
        try {
            return checkpoints.latestStored().map(c -> new AuditCheckpoint(c.seq(), c.hash(), c.signedAt()));
        } catch (org.treatyexchange.server.store.StoreException e) {
            throw new Refusal(Refusal.Reason.UNAVAILABLE, "the audit checkpoint could not be read", e);
        }
    }

    /** A State as the public pages name it. */
    public record State(String code, String name) {
    }

    /**
     * The released public reports, newest first, narrowed by each filter that is not blank.
     *
     * @throws Refusal {@code unknown-report-type}, {@code invalid-period} or {@code malformed} (State) for a
     *     filter no filing could match, so that a typo is told, not shown as "no reports"
     */
    public List<Filing> reports(String reportType, String period, String state) throws Refusal {
        String type = blankToNull(reportType);
        String p = blankToNull(period);
        String s = blankToNull(state);
        if (type != null && !reportTypes.contains(type)) {
            throw new Refusal(Refusal.Reason.UNKNOWN_REPORT_TYPE, "no such report type");
        }
        if (p != null && !PERIOD.matcher(p).matches()) {
            throw new Refusal(Refusal.Reason.INVALID_PERIOD, "a period is a year such as 2025, or letters, digits and hyphens");
        }
        if (s != null && !STATE.matcher(s).matches()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "a State is named by its code, such as XA");
        }
        return publicRecords().stream()
                .filter(f -> type == null || type.equals(f.reportType()))
                .filter(f -> p == null || p.equals(f.period()))
                .filter(f -> s == null || s.equals(f.state()))
                .sorted(Comparator.comparing(FilingRecord::receivedAt).reversed())
                .map(Filing::of)
                .toList();
    }

    /**
     * Opens a released public report, decrypted; audited as a download by {@code public} from
     * {@code source}. Any other filing — restricted, pending, withdrawn, unknown — answers as missing.
     */
    public SeekableByteChannel openReport(String filingId, String source) throws Refusal {
        Objects.requireNonNull(source, "source");
        FilingRecord f = publicRecords().stream().filter(r -> r.id().equals(filingId)).findFirst()
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such public report"));
        return filings.openDocument(f, "public", source);
    }

    /** The released public report with this id, as {@link #reports} shows it. */
    public java.util.Optional<Filing> report(String filingId) throws Refusal {
        return publicRecords().stream().filter(r -> r.id().equals(filingId)).findFirst().map(Filing::of);
    }

    /** The States of the registry, by name. */
    public List<State> states() {
        return registry.current().states().stream()
                .sorted(Comparator.comparing(StateEntry::name))
                .map(e -> new State(e.code(), e.name()))
                .toList();
    }

    /** The State with this code, if registered. */
    public java.util.Optional<State> state(String code) {
        return registry.current().state(code).map(e -> new State(e.code(), e.name()));
    }

    /**
     * Each State Party's annual report for {@code year}: on time, late or missing, and whether the State
     * made it public — whether or not it did, never its title or content.
     */
    public List<StateStatus> reportingTable(int year) throws Refusal {
        if (year < 1900 || year > 9999) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the year must have four digits");
        }
        return StoreCalls.call(() -> reports.annualStatus(year));
    }

    /** The last complete reporting year: the calendar year before today's (UTC). */
    public int lastReportingYear() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).getYear() - 1;
    }

    /** The configured report type ids, sorted. */
    public List<String> reportTypes() {
        return reportTypes.stream().sorted().toList();
    }

    private List<FilingRecord> publicRecords() throws Refusal {
        return StoreCalls.call(release::publicFilings).stream().filter(f -> !"withdrawn".equals(f.status())).toList();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
