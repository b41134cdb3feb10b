package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.channels.SeekableByteChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.reporting.StateStatus;

/**
 * The public site, without login: the released public reports (filtered by report type, period, State),
 * a page per State, the reporting table, downloads as attachments, and the audit chain's newest signed
 * checkpoint: listed on {@code /audit} (position, head hash, time), downloaded from {@code /audit/checkpoint.p7s},
 * checkable with the receipt certificate ({@code /audit/receipt-certificate.pem}). Every answer comes from
 * {@link PublicDesk}; a refusal becomes a page with its message ({@link Pages#refused}).
 */
final class PublicPages {

    private static final Pattern STATE_PAGE = Pattern.compile("/states/([A-Z]{2,3})");
    private static final Pattern DOWNLOAD = Pattern.compile("/reports/([A-Za-z0-9-]{1,64})/download");

    private final PublicDesk desk;
    private final Pages pages;
    private final byte[] receiptCertificatePem;

    PublicPages(PublicDesk desk, Pages pages, byte[] receiptCertificatePem) {
        this.desk = desk;
        this.pages = pages;
        this.receiptCertificatePem = receiptCertificatePem.clone();
    }

    /** The answer to a GET of {@code path}, if it is one of the public pages. */
    Optional<PageResponse> get(PageRequest r, View v) throws Refusal {
        String path = r.path();
        if (path.equals("/") || path.equals("/reports")) {
            return Optional.of(reports(r, v, v.t("reports.title"), "/", r.param("state"), true));
        }
        if (path.equals("/states")) {
            return Optional.of(pages.page("states", v, Map.of("states", desk.states())));
        }
        var m = STATE_PAGE.matcher(path);
        if (m.matches()) {
            Optional<PublicDesk.State> state = desk.state(m.group(1));
            if (state.isEmpty()) {
                return Optional.of(pages.error(v, HttpResponseStatus.NOT_FOUND, v.t("state.unknown")));
            }
            return Optional.of(reports(r, v, v.t("state.title", state.get().name()), path, state.get().code(), false));
        }
        if (path.equals("/reporting")) {
            return Optional.of(reporting(r, v));
        }
        if (path.equals("/audit")) {
            Map<String, Object> p = new HashMap<>();
            p.put("checkpoint", desk.latestAuditCheckpointSummary().orElse(null));
            return Optional.of(pages.page("audit", v, p));
        }
        if (path.equals("/audit/receipt-certificate.pem")) {
            return Optional.of(PageResponse.bytes("application/x-pem-file", receiptCertificatePem, "no-cache")
                    .withHeader("Content-Disposition", ContentDisposition.attachment("receipt-certificate.pem")));
        }
        if (path.equals("/audit/checkpoint.p7s")) {
            byte[] cms = desk.latestAuditCheckpoint().orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no audit checkpoint yet"));
            return Optional.of(PageResponse.bytes("application/pkcs7-mime", cms, "no-store")
                    .withHeader("Content-Disposition", ContentDisposition.attachment("audit-checkpoint.p7s")));
        }
        m = DOWNLOAD.matcher(path);
        if (m.matches()) {
            Filing f = desk.report(m.group(1)).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such public report"));
            SeekableByteChannel doc = desk.openReport(f.id(), r.source());
            return Optional.of(PageResponse.attachment(f.fileName(), doc, f.size()));
        }
        return Optional.empty();
    }

    private PageResponse reports(PageRequest r, View v, String heading, String action, String state, boolean stateFilter) {
        String type = r.param("type");
        String period = r.param("period");
        List<Filing> found;
        String error = null;
        HttpResponseStatus status = HttpResponseStatus.OK;
        try {
            found = desk.reports(type, period, state);
        } catch (Refusal e) {
            found = List.of();
            error = pages.message(v, e);
            status = HttpResponseStatus.BAD_REQUEST;
        }
        Map<String, Object> p = new HashMap<>();
        p.put("heading", heading);
        p.put("action", action);
        p.put("reports", found);
        p.put("reportTypes", desk.reportTypes());
        p.put("states", desk.states());
        p.put("type", type == null ? "" : type);
        p.put("period", period == null ? "" : period);
        p.put("state", state == null ? "" : state);
        p.put("stateFilter", stateFilter);
        p.put("error", error);
        return pages.page("reports", v, p, status);
    }

    private PageResponse reporting(PageRequest r, View v) {
        String yearParam = r.param("year");
        int year = desk.lastReportingYear();
        String error = null;
        List<StateStatus> rows = List.of();
        HttpResponseStatus status = HttpResponseStatus.OK;
        try {
            if (yearParam != null && !yearParam.isBlank()) {
                if (!yearParam.strip().matches("[0-9]{4}")) {
                    throw new Refusal(Refusal.Reason.MALFORMED, "the year must have four digits");
                }
                year = Integer.parseInt(yearParam.strip());
            }
            rows = desk.reportingTable(year);
        } catch (Refusal e) {
            error = pages.message(v, e);
            status = HttpResponseStatus.BAD_REQUEST;
        }
        Map<String, Object> p = new HashMap<>();
        p.put("year", year);
        p.put("rows", rows);
        p.put("error", error);
        return pages.page("reporting", v, p, status);
    }
}
