package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.ReportingDashboard;
import org.treatyexchange.server.application.SecretariatDesk;
import org.treatyexchange.server.reporting.StateStatus;

/**
 * The reporting dashboard under {@code /secretariat/dashboard}: for a chosen year and report type, each State
 * Party as on time, late, missing or not yet due, the counts, a bar chart drawn here as SVG (no script: the CSP
 * allows none) and the same rows as CSV ({@code /secretariat/dashboard.csv}). The numbers come from
 * {@link SecretariatDesk#dashboard}, the query behind the public reporting table too.
 */
final class DashboardPages implements ConsolePart {

    static final String PATH = "/secretariat/dashboard";
    static final String CSV_PATH = "/secretariat/dashboard.csv";
    static final String DEFAULT_TYPE = "annual-report";
    /** The chart's drawing width for the longest bar, in SVG units. */
    static final int CHART_WIDTH = 400;

    private final SecretariatDesk desk;
    private final PublicDesk publicDesk;
    private final Pages pages;

    DashboardPages(SecretariatDesk desk, PublicDesk publicDesk, Pages pages) {
        this.desk = desk;
        this.publicDesk = publicDesk;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        if (!SecretariatPages.isRead(r)) {
            return Optional.empty();
        }
        if (r.path().equals(PATH)) {
            return Optional.of(dashboard(r, v, who));
        }
        if (r.path().equals(CSV_PATH)) {
            ReportingDashboard d = desk.dashboard(who.caller(), type(r), year(r));
            return Optional.of(PageResponse.bytes("text/csv; charset=utf-8", d.csv().getBytes(StandardCharsets.UTF_8), "no-store")
                    .withHeader("Content-Disposition", ContentDisposition.attachment("reporting-" + d.reportType() + "-" + d.year() + ".csv")));
        }
        return Optional.empty();
    }

    private PageResponse dashboard(PageRequest r, View v, SignedIn who) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        p.put("reportTypes", publicDesk.reportTypes());
        p.put("error", null);
        HttpResponseStatus status = HttpResponseStatus.OK;
        ReportingDashboard d;
        try {
            d = desk.dashboard(who.caller(), type(r), year(r));
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.UNAVAILABLE || e.reason() == Refusal.Reason.FORBIDDEN) {
                throw e;
            }
            p.put("error", pages.message(v, e));
            status = Pages.status(e.reason());
            d = new ReportingDashboard(DEFAULT_TYPE, publicDesk.lastReportingYear(), null, List.of());
        }
        p.put("d", d);
        p.put("bars", bars(d, v));
        p.put("csvLink", CSV_PATH + "?type=" + v.q(d.reportType()) + "&year=" + d.year());
        return pages.page("secretariat-dashboard", v, p, status);
    }

    private String type(PageRequest r) {
        String t = r.param("type");
        return t == null || t.isBlank() ? DEFAULT_TYPE : t.strip();
    }

    private int year(PageRequest r) throws Refusal {
        String y = r.param("year");
        if (y == null || y.isBlank()) {
            return publicDesk.lastReportingYear();
        }
        if (!y.strip().matches("[0-9]{4}")) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the year must have four digits");
        }
        return Integer.parseInt(y.strip());
    }

    /** The bars, one per outcome, scaled so that all the States Parties would fill {@link #CHART_WIDTH}. */
    static List<ChartBar> bars(ReportingDashboard d, View v) {
        int total = Math.max(1, d.states().size());
        List<ChartBar> out = new ArrayList<>();
        int y = 0;
        for (Map.Entry<StateStatus.Outcome, Integer> e : d.counts().entrySet()) {
            String wire = e.getKey().wireName();
            out.add(new ChartBar(wire, v.t("reporting.outcome." + wire), e.getValue(), e.getValue() * CHART_WIDTH / total, y));
            y += 30;
        }
        return out;
    }
}
