package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.channels.SeekableByteChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.treatyexchange.server.application.Dossier;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * Every filing, for the secretariat: the search at {@code /secretariat/filings} (State, report type, period, level,
 * status, words of the document's name), a filing's page with its receipt, plan, versions, history and audit events,
 * its document and signed receipt (each download audited by the desk), and a reporting cycle's export as a zip.
 */
final class FilingPages implements ConsolePart {

    static final String SEARCH = "/secretariat/filings";
    static final String EXPORT = "/secretariat/cycle.zip";
    private static final String ID = "([0-9A-Za-z-]{1,64})";
    private static final Pattern FILING = Pattern.compile(SEARCH + "/" + ID);
    private static final Pattern DOCUMENT = Pattern.compile(SEARCH + "/" + ID + "/document");
    private static final Pattern RECEIPT = Pattern.compile(SEARCH + "/" + ID + "/receipt\\.p7s");
    static final List<String> STATUSES = List.of("pending", "held", "released", "withdrawn");
    static final List<String> LEVELS = List.of("public", "states-parties", "named", "secretariat");
    private static final List<String> SEARCH_FIELDS = List.of("state", "reportType", "period", "level", "status", "words");

    private final SecretariatDesk desk;
    private final PublicDesk lists;
    private final Pages pages;

    FilingPages(SecretariatDesk desk, PublicDesk lists, Pages pages) {
        this.desk = desk;
        this.lists = lists;
        this.pages = pages;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        if (!SecretariatPages.isRead(r)) {
            return Optional.empty();
        }
        String path = r.path();
        Matcher m;
        if (path.equals(SEARCH)) {
            return Optional.of(search(r, v, who));
        }
        if ((m = FILING.matcher(path)).matches()) {
            return Optional.of(filing(v, who, m.group(1), r.param("done"), null, HttpResponseStatus.OK));
        }
        if ((m = DOCUMENT.matcher(path)).matches()) {
            Filing f = desk.filing(who.caller(), m.group(1)).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such filing"));
            SeekableByteChannel doc = desk.openDocument(who.caller(), f.id()); // audited as a download by the person
            return Optional.of(PageResponse.attachment(f.fileName(), doc, f.size()));
        }
        if ((m = RECEIPT.matcher(path)).matches()) {
            String id = m.group(1);
            byte[] receipt = desk.receipt(who.caller(), id).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such receipt"));
            return Optional.of(PageResponse.bytes("application/pkcs7-signature", receipt, "no-store")
                    .withHeader("Content-Disposition", ContentDisposition.attachment(id + ".p7s")));
        }
        if (path.equals(EXPORT)) {
            return Optional.of(export(r, v, who));
        }
        return Optional.empty();
    }

    /** A filing's page; {@code done} says which decision just succeeded, {@code error} why one was refused. */
    PageResponse filing(View v, SignedIn who, String id, String done, String error, HttpResponseStatus status) throws Refusal {
        Dossier d = desk.dossier(who.caller(), id).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such filing"));
        Map<String, Object> p = new HashMap<>();
        p.put("d", d);
        p.put("done", done != null && List.of("released", "approved", "held", "withdrawn").contains(done) ? done : null);
        p.put("error", error);
        return pages.page("secretariat-filing", v, p, status);
    }

    private PageResponse search(PageRequest r, View v, SignedIn who) throws Refusal {
        FormValues form = new FormValues(r.query());
        Map<String, Object> p = new HashMap<>();
        p.put("form", form);
        p.put("states", lists.states());
        p.put("reportTypes", lists.reportTypes());
        p.put("levels", LEVELS);
        p.put("statuses", STATUSES);
        boolean asked = SEARCH_FIELDS.stream().anyMatch(r.query()::containsKey); // not a mere language switch
        List<Filing> found = List.of();
        String error = null;
        HttpResponseStatus status = HttpResponseStatus.OK;
        if (asked) {
            try {
                found = desk.filings(who.caller(), blank(form.value("state")), blank(form.value("reportType")), blank(form.value("period")),
                        blank(form.value("level")), blank(form.value("status")), blank(form.value("words")));
            } catch (Refusal e) {
                if (e.reason() == Refusal.Reason.UNAVAILABLE) {
                    throw e;
                }
                error = e.reason() == Refusal.Reason.UNKNOWN_REPORT_TYPE ? pages.message(v, e) : v.t("error.bad-input", e.getMessage());
                status = Pages.status(e.reason());
            }
        }
        p.put("asked", asked);
        p.put("found", found);
        p.put("error", error);
        return pages.page("secretariat-filings", v, p, status);
    }

    private PageResponse export(PageRequest r, View v, SignedIn who) throws Refusal {
        String type = blank(r.param("reportType"));
        String period = blank(r.param("period"));
        if (type == null || period == null) {
            throw new Refusal(Refusal.Reason.MALFORMED, "choose a report type and enter a period");
        }
        byte[] zip = CycleZip.of(desk, who.caller(), type, period);
        return PageResponse.bytes("application/zip", zip, "no-store")
                .withHeader("Content-Disposition", ContentDisposition.attachment(type + "-" + period + ".zip"));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
