package org.treatyexchange.server.application;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.routing.ReportingPeriods;
import org.treatyexchange.server.routing.Router;

/**
 * What a filing must say, checked before its first byte is kept, the same for every channel: a
 * configured report type, a period its report type allows, a named list of other States Parties, and
 * names that display as what they are. Routing still fails closed on anything that slips past (a State
 * that stops being a party between a manifest and its document): these checks only make sure the filer
 * hears about a mistake at once.
 */
public final class FilingRules {

    private final List<String> reportTypes;
    private final RegistryService registry;
    private final Clock clock;
    private final int maxNameBytes;

    public FilingRules(List<String> reportTypes, RegistryService registry, Clock clock, int maxNameBytes) {
        this.reportTypes = List.copyOf(reportTypes);
        this.registry = registry;
        this.clock = clock;
        this.maxNameBytes = maxNameBytes;
    }

    /** The configured report types, in configuration order. */
    public List<String> reportTypes() {
        return reportTypes;
    }

    public String reportType(String reportType) throws Refusal {
        if (reportType == null || !reportTypes.contains(reportType)) {
            throw new Refusal(Refusal.Reason.UNKNOWN_REPORT_TYPE, "unknown report type '" + printable(reportType) + "'; the report types are "
                    + String.join(", ", reportTypes));
        }
        return reportType;
    }

    /** The NFC form of a document name ({@link Names#document}). */
    public String documentName(String name) throws Refusal {
        return Names.document(name, maxNameBytes);
    }

    /**
     * The title a filing says, the same rule on every channel (the portal's form, the SFTP manifest, the signed envelope):
     * the NFC form by {@link Names#title} (1 to 300 characters; no control, invisible or text-direction character; no white
     * space at either end), refused with {@link Refusal.Reason#MALFORMED} naming the rule. Null or blank: none (the
     * document's name stands in).
     */
    public String title(String title) throws Refusal {
        if (title == null || title.chars().allMatch(c -> c == ' ')) {
            return null;
        }
        return Names.title(title);
    }

    public void period(String reportType, String period) throws Refusal {
        Optional<String> problem = ReportingPeriods.problem(reportType, period, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        if (problem.isPresent()) {
            throw new Refusal(Refusal.Reason.INVALID_PERIOD, problem.get());
        }
    }

    /** A level the filing says (null: it says none) with its named list. */
    public void routing(String filerState, ConfidentialityLevel level, List<String> named) throws Refusal {
        List<String> problems = level == null
                ? (named.isEmpty() ? List.of() : List.of("the filing names States but says no level"))
                : Router.filingProblems(filerState, level, named, registry.current());
        if (!problems.isEmpty()) {
            throw new Refusal(Refusal.Reason.INVALID_ROUTING, String.join("; ", problems));
        }
    }

    /** An instruction's level and named list ({@code level} null withdraws the instruction). */
    public void instruction(String filerState, ConfidentialityLevel level, List<String> named) throws Refusal {
        if (level == null) {
            return;
        }
        List<String> problems = Router.instructionProblems(filerState, level, named, registry.current());
        if (!problems.isEmpty()) {
            throw new Refusal(Refusal.Reason.INVALID_ROUTING, String.join("; ", problems));
        }
    }

    /** Every rule for one document of a filing. */
    public String document(String filerState, String reportType, String period, ConfidentialityLevel level, List<String> named, String name)
            throws Refusal {
        reportType(reportType);
        String nfc = documentName(name);
        period(reportType, period);
        routing(filerState, level, named);
        return nfc;
    }

    /** A client-supplied value echoed in a message: printable ASCII only, short. */
    static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 60; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
