package org.treatyexchange.server.release;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.sdk.wire.PointsOfContact;
import org.treatyexchange.sdk.wire.PointsOfContactJson;
import org.treatyexchange.sdk.wire.WireFormatException;
import org.treatyexchange.server.crypto.DocumentVault;
import org.treatyexchange.server.registry.Registry;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.StateEntry;
import org.treatyexchange.server.reporting.Contact;
import org.treatyexchange.server.reporting.ContactList;
import org.treatyexchange.server.reporting.FiledReport;
import org.treatyexchange.server.reporting.ReportingStatus;
import org.treatyexchange.server.reporting.StateContacts;
import org.treatyexchange.server.reporting.StateParty;
import org.treatyexchange.server.reporting.StateStatus;
import org.treatyexchange.server.routing.Deadlines;
import org.treatyexchange.server.store.DocumentKeyRecords.DocumentKey;
import org.treatyexchange.server.store.FilingQuery;
import org.treatyexchange.server.store.FilingRecord;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * The secretariat's generated documents: who has filed its annual report for a year, and the
 * current list of national points of contact (States Parties only, never public).
 */
public final class Reports {

    private static final Logger LOG = LoggerFactory.getLogger(Reports.class);
    private static final long MAX_CONTACTS_DOCUMENT = PointsOfContact.MAX_BYTES;

    private final Store store;
    private final RegistryService registry;
    private final DocumentVault vault;
    private static final String ANNUAL_REPORT = "annual-report";

    private final Map<String, Optional<MonthDay>> deadlines;
    private final Clock clock;

    public Reports(Store store, RegistryService registry, DocumentVault vault, Optional<MonthDay> annualDeadline, Clock clock) {
        this(store, registry, vault, Map.of(ANNUAL_REPORT, annualDeadline), clock);
    }

    /** With each report type's yearly deadline (a type absent or empty has none). */
    public Reports(Store store, RegistryService registry, DocumentVault vault, Map<String, Optional<MonthDay>> deadlines, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.vault = vault;
        this.deadlines = Map.copyOf(deadlines);
        this.clock = clock;
    }

    /** Each State Party's annual report for {@code year}: on time, late or missing ({@link #status} for the annual report). */
    public List<StateStatus> annualStatus(int year) throws StoreException {
        return status(ANNUAL_REPORT, year);
    }

    /**
     * Each State Party's report of {@code reportType} for the single-year period {@code year}: on time, late,
     * missing or not yet due. The one query behind the public reporting table (the annual report) and the
     * secretariat's dashboard (any report type): both show the same numbers. For the annual report a nil
     * annual report counts too.
     */
    public List<StateStatus> status(String reportType, int year) throws StoreException {
        Set<String> counting = ANNUAL_REPORT.equals(reportType) ? ReportingStatus.ANNUAL_REPORT_TYPES : Set.of(reportType);
        return status(counting, String.format("%04d", year), dueDate(reportType, year), statesParties());
    }

    /** The States Parties, as the status tables list them. */
    public List<StateParty> statesParties() {
        return registry.current().statesParties().stream().map(s -> new StateParty(s.code(), s.name())).toList();
    }

    /**
     * How each of {@code parties} stands on one obligation of the calendar ({@link ReportingStatus#forObligation}): the
     * filings of {@code reportTypes} on {@code period} (null: any period), due on {@code due}, judged at the server's now.
     */
    public List<StateStatus> status(Set<String> reportTypes, String period, LocalDate due, List<StateParty> parties) throws StoreException {
        List<FiledReport> filed = new ArrayList<>();
        List<FilingRecord> all = new ArrayList<>();
        for (String type : new java.util.TreeSet<>(reportTypes)) {
            all.addAll(store.read(tx -> tx.filings().list(new FilingQuery(null, null, type, 10_000))));
        }
        Set<String> superseded = new HashSet<>();
        all.forEach(f -> {
            if (f.supersedes() != null) {
                superseded.add(f.supersedes());
            }
        });
        for (FilingRecord f : all) {
            if (period != null && f.period() == null) {
                continue;
            }
            String status = switch (f.status()) {
                case ReleaseService.RELEASED -> FiledReport.RELEASED;
                case ReleaseService.HELD -> FiledReport.HELD;
                case ReleaseService.WITHDRAWN -> FiledReport.WITHDRAWN;
                default -> FiledReport.RECEIVED;
            };
            if (superseded.contains(f.id()) && !status.equals(FiledReport.WITHDRAWN)) {
                status = FiledReport.SUPERSEDED;
            }
            filed.add(new FiledReport(f.state(), f.reportType(), f.period(), f.receivedAt(), f.reportType().equals("nil-annual-report"),
                    f.level() == ConfidentialityLevel.PUBLIC, status));
        }
        return ReportingStatus.forObligation(reportTypes, period, parties, filed, due, clock.instant());
    }

    /** The last day on which the annual report for {@code year} is on time (31 May of the next year, as configured). */
    public LocalDate annualDueDate(int year) {
        return dueDate(ANNUAL_REPORT, year);
    }

    /**
     * The last day on which a report of {@code reportType} for {@code year} is on time: its configured yearly
     * deadline in the next year; without one, 31 December of the next year.
     */
    public LocalDate dueDate(String reportType, int year) {
        Optional<MonthDay> deadline = deadlines.getOrDefault(reportType, Optional.empty());
        return Deadlines.dueDate(reportType, Integer.toString(year), deadline).orElse(LocalDate.of(year + 1, 12, 31));
    }

    /**
     * The national points of contact of every State Party: the newest valid points-of-contact filing
     * of the State (not withdrawn), else what the registry lists.
     */
    public List<StateContacts> contacts() throws StoreException {
        Registry current = registry.current();
        List<StateContacts> out = new ArrayList<>();
        for (StateEntry state : current.statesParties()) {
            Optional<List<Contact>> filed = filedContacts(state.code());
            List<Contact> contacts = filed.orElseGet(() -> state.contacts().stream()
                    .map(c -> new Contact(c.name(), c.title(), c.ministry(), c.email(), c.phone(), c.address())).toList());
            out.add(new StateContacts(state.code(), state.name(), contacts));
        }
        return out;
    }

    /** The contact list as the text document States Parties receive. */
    public byte[] contactListDocument() throws StoreException {
        return ContactList.render(contacts(), clock.instant());
    }

    public byte[] contactListJson() throws StoreException {
        return ContactList.renderJson(contacts(), clock.instant());
    }

    private Optional<List<Contact>> filedContacts(String state) throws StoreException {
        List<FilingRecord> filings = store.read(tx -> tx.filings().list(new FilingQuery(state, null, PointsOfContact.REPORT_TYPE, 10_000)));
        for (int i = filings.size() - 1; i >= 0; i--) {
            FilingRecord f = filings.get(i);
            if (f.status().equals(ReleaseService.WITHDRAWN) || f.size() > MAX_CONTACTS_DOCUMENT) {
                continue;
            }
            try {
                DocumentKey key = store.read(tx -> tx.documentKeys().byBlobId(f.blobId())).orElse(null);
                if (key == null) {
                    continue;
                }
                byte[] json;
                try (InputStream in = vault.openStream(key)) {
                    json = in.readNBytes((int) MAX_CONTACTS_DOCUMENT + 1);
                }
                PointsOfContact poc = PointsOfContactJson.fromBytes(json);
                if (!poc.state().equals(state)) {
                    LOG.warn("points-of-contact filing {} names State {} but was filed by {}; ignored", f.id(), poc.state(), state);
                    continue;
                }
                return Optional.of(poc.contacts().stream()
                        .map(c -> new Contact(c.name(), c.title(), c.ministry(), c.email(), c.phone(), c.address())).toList());
            } catch (WireFormatException | IOException e) {
                LOG.warn("points-of-contact filing {} of {} is not a valid points-of-contact document; ignored", f.id(), state);
            }
        }
        return Optional.empty();
    }
}
