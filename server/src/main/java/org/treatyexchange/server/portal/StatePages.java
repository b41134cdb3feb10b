package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.FilingBatch;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.StateDesk;
import org.treatyexchange.server.application.Upload;

/**
 * The States' area under {@code /state/}: a person of a State sees and acts for that State only. Reached
 * only through the session guard, which hands over the {@link SignedIn} person; every answer comes from
 * {@link StateDesk}, which checks again that the caller acts for a State and may see what it asks for.
 * The filing form's POST is streamed ({@link FilingUpload}); the small forms (withdraw, instructions)
 * arrive aggregated, their CSRF token already checked by the routes.
 */
final class StatePages {

    static final String CSRF_FIELD = "csrf";
    static final String DOCUMENT_FIELD = "document";
    static final String FILE_PATH = "/state/file";
    static final int CYCLES = 5;
    /** The form's level choice that says no level: the State's standing instruction applies. */
    static final String BY_INSTRUCTION = "instruction";

    private static final String ID = "([0-9A-Za-z-]{1,64})";
    private static final Pattern FILING = Pattern.compile("/state/filings/" + ID);
    private static final Pattern RECEIPT = Pattern.compile("/state/filings/" + ID + "/receipt\\.p7s");
    private static final Pattern DOCUMENT = Pattern.compile("/state/filings/" + ID + "/document");
    private static final Pattern NEW_VERSION = Pattern.compile("/state/filings/" + ID + "/new-version");
    private static final Pattern WITHDRAW = Pattern.compile("/state/filings/" + ID + "/withdraw");
    private static final Pattern RECEIVED_DOCUMENT = Pattern.compile("/state/received/" + ID + "/document");
    private static final Pattern MESSAGE = Pattern.compile("/state/messages/([0-9]{1,18})\\.p7m");
    private static final Pattern MESSAGE_ATTACHMENT = Pattern.compile("/state/messages/([0-9]{1,18})/attachments/([0-9]{1,4})");

    private final StateDesk desk;
    private final Pages pages;
    private final byte[] receiptCertificatePem;
    private final int maxDocuments;

    StatePages(StateDesk desk, Pages pages, byte[] receiptCertificatePem, int maxDocuments) {
        this.desk = desk;
        this.pages = pages;
        this.receiptCertificatePem = receiptCertificatePem.clone();
        this.maxDocuments = maxDocuments;
    }

    /** Whether a POST to {@code path} is the streamed filing form (a new report, or a new version of one). */
    static boolean isUpload(String path) {
        return path.equals(FILE_PATH) || NEW_VERSION.matcher(path).matches();
    }

    /** For an upload path: empty string for a new report, the filing id for a new version; empty when not an upload path. */
    Optional<String> uploadTarget(String path) {
        if (path.equals(FILE_PATH)) {
            return Optional.of("");
        }
        Matcher m = NEW_VERSION.matcher(path);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The answer to a request under {@code /state/}, if there is a page for it. */
    Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        String path = r.path();
        boolean post = r.method().equals("POST");
        Matcher m;
        if (post) {
            if ((m = WITHDRAW.matcher(path)).matches()) {
                return Optional.of(withdraw(r, v, who, m.group(1)));
            }
            if (path.equals("/state/instructions")) {
                return Optional.of(setInstruction(r, v, who));
            }
            return Optional.empty();
        }
        if (path.equals("/state") || path.equals("/state/")) {
            return Optional.of(overview(v, who));
        }
        if (path.equals(FILE_PATH)) {
            return Optional.of(fileForm(v, who, Map.of(), null, HttpResponseStatus.OK));
        }
        if (path.equals("/state/filings")) {
            return Optional.of(filings(v, who));
        }
        if ((m = FILING.matcher(path)).matches()) {
            return Optional.of(filing(v, who, m.group(1), null, HttpResponseStatus.OK));
        }
        if ((m = RECEIPT.matcher(path)).matches()) {
            String id = m.group(1);
            byte[] receipt = desk.receipt(who.caller(), id).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such receipt"));
            return Optional.of(attachment(id + ".p7s", "application/pkcs7-signature", receipt));
        }
        if ((m = DOCUMENT.matcher(path)).matches() || (m = RECEIVED_DOCUMENT.matcher(path)).matches()) {
            return Optional.of(document(who, m.group(1)));
        }
        if ((m = NEW_VERSION.matcher(path)).matches()) {
            return Optional.of(versionForm(v, who, m.group(1), Map.of(), null, HttpResponseStatus.OK));
        }
        if (path.equals("/state/received")) {
            return Optional.of(received(v, who));
        }
        if ((m = MESSAGE.matcher(path)).matches()) {
            long seq = Long.parseLong(m.group(1));
            return Optional.of(attachment("message-" + seq + ".p7m", "application/pkcs7-mime", desk.inboxItem(who.caller(), seq)));
        }
        if ((m = MESSAGE_ATTACHMENT.matcher(path)).matches()) {
            long seq = Long.parseLong(m.group(1));
            int index = Integer.parseInt(m.group(2));
            StateDesk.MessageAttachment a = desk.messageAttachments(who.caller(), seq).stream().filter(x -> x.index() == index).findFirst()
                    .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such attachment"));
            return Optional.of(PageResponse.attachment(a.fileName(), desk.openMessageAttachment(who.caller(), seq, index), a.size()));
        }
        if (path.equals("/state/contacts")) {
            return Optional.of(contacts(v, who));
        }
        if (path.equals("/state/contacts.txt")) {
            return Optional.of(attachment("points-of-contact.txt", "text/plain; charset=utf-8", desk.contacts(who.caller())));
        }
        if (path.equals("/state/instructions")) {
            return Optional.of(instructions(v, who, null, HttpResponseStatus.OK));
        }
        if (path.equals("/state/receipt-certificate.pem")) {
            return Optional.of(attachment("receipt-cert.pem", "application/x-pem-file", receiptCertificatePem));
        }
        return Optional.empty();
    }

    // ---- pages ---------------------------------------------------------------------------------------

    private PageResponse overview(View v, SignedIn who) throws Refusal {
        List<FilingRow> rows = rows(who);
        Map<String, Object> p = common(who);
        p.put("obligations", desk.obligations(who.caller(), CYCLES));
        p.put("latest", reverse(rows).stream().limit(5).toList());
        return pages.page("state-overview", v, p);
    }

    private PageResponse filings(View v, SignedIn who) throws Refusal {
        Map<String, Object> p = common(who);
        p.put("rows", reverse(rows(who)));
        return pages.page("state-filings", v, p);
    }

    private PageResponse filing(View v, SignedIn who, String id, String error, HttpResponseStatus status) throws Refusal {
        FilingRow row = rows(who).stream().filter(x -> x.filing().id().equals(id)).findFirst()
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such filing"));
        Map<String, Object> p = common(who);
        p.put("row", row);
        p.put("decisions", desk.decisions(who.caller(), id));
        p.put("error", error);
        p.put("verify", "openssl cms -verify -inform DER -in " + id + ".p7s -CAfile receipt-cert.pem");
        return pages.page("state-filing", v, p, status);
    }

    private PageResponse received(View v, SignedIn who) throws Refusal {
        Map<String, Object> p = common(who);
        p.put("documents", reverse(desk.distributed(who.caller())));
        List<StateDesk.Queued> messages = reverse(desk.allQueued(who.caller()).stream()
                .filter(q -> q.entry().kind().equals("secretariat-message")).toList());
        Map<Long, List<StateDesk.MessageAttachment>> attachments = new HashMap<>();
        for (StateDesk.Queued q : messages) {
            List<StateDesk.MessageAttachment> of = desk.messageAttachments(who.caller(), q.entry().seq());
            if (!of.isEmpty()) {
                attachments.put(q.entry().seq(), of);
            }
        }
        p.put("messages", messages);
        p.put("attachments", attachments);
        return pages.page("state-received", v, p);
    }

    private PageResponse contacts(View v, SignedIn who) throws Refusal {
        Map<String, Object> p = common(who);
        boolean party = desk.isStateParty(who.caller());
        p.put("contacts", party ? new String(desk.contacts(who.caller()), StandardCharsets.UTF_8) : null);
        return pages.page("state-contacts", v, p);
    }

    private PageResponse instructions(View v, SignedIn who, String error, HttpResponseStatus status) throws Refusal {
        Map<String, Object> p = common(who);
        p.put("instructions", desk.instructions(who.caller()));
        p.put("error", error);
        return pages.page("state-instructions", v, p, status);
    }

    private PageResponse fileForm(View v, SignedIn who, Map<String, List<String>> fields, String error, HttpResponseStatus status)
            throws Refusal {
        Map<String, Object> p = common(who);
        p.put("form", new FormValues(fields));
        p.put("error", error);
        p.put("maxDocuments", maxDocuments);
        return pages.page("state-file", v, p, status);
    }

    private PageResponse versionForm(View v, SignedIn who, String id, Map<String, List<String>> fields, String error,
            HttpResponseStatus status) throws Refusal {
        Filing old = desk.ownFiling(who.caller(), id).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such filing"));
        Map<String, Object> p = common(who);
        p.put("old", old);
        p.put("form", new FormValues(fields));
        p.put("error", error);
        return pages.page("state-version", v, p, status);
    }

    /** The receipt page that answers an accepted filing form. */
    PageResponse filed(View v, SignedIn who, List<Upload.Filed> filed) {
        Map<String, Object> p = new HashMap<>();
        p.put("state", who.caller().state());
        p.put("filings", filed.stream().map(Upload.Filed::filing).toList());
        // the title the report was filed under (the form's, else the first document's name)
        p.put("title", filed.isEmpty() ? "" : filed.get(0).filing().title());
        return pages.page("state-filed", v, p);
    }

    /** The filing form again, with what the person entered and why it was refused; nothing was kept. */
    PageResponse formRefused(String path, View v, SignedIn who, Map<String, List<String>> fields, Refusal why) {
        HttpResponseStatus status = Pages.status(why.reason());
        String message = why.reason() == Refusal.Reason.MALFORMED || why.reason() == Refusal.Reason.INVALID_ROUTING
                || why.reason() == Refusal.Reason.INVALID_NAME || why.reason() == Refusal.Reason.CONFLICT
                ? v.t("error.bad-input", why.getMessage()) : pages.message(v, why);
        try {
            Optional<String> target = uploadTarget(path);
            if (who == null || target.isEmpty()) {
                return pages.error(v, status, message);
            }
            return target.get().isEmpty() ? fileForm(v, who, fields, message, status) : versionForm(v, who, target.get(), fields, message, status);
        } catch (Refusal again) {
            return pages.refused(v, again);
        }
    }

    /** Opens the application layer's batch for what the form says, refusing what the layer refuses. */
    FilingBatch openBatch(String path, SignedIn who, Map<String, List<String>> fields) throws Refusal {
        FormValues f = new FormValues(fields);
        String title = f.value("title"); // optional; the desk checks it by the rule of every channel
        String target = uploadTarget(path).orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such page"));
        if (!target.isEmpty()) {
            return desk.beginNewVersion(who.caller(), target, f.value("period"), f.checked("withheld"), title);
        }
        String levelValue = f.value("level");
        ConfidentialityLevel level = null;
        if (levelValue.isEmpty()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "choose who may read the report");
        }
        if (!levelValue.equals(BY_INSTRUCTION)) {
            level = ConfidentialityLevel.fromWireName(levelValue)
                    .orElseThrow(() -> new Refusal(Refusal.Reason.INVALID_ROUTING, "unknown level '" + printable(levelValue) + "'"));
        }
        List<String> named = level == ConfidentialityLevel.NAMED ? f.values("named") : List.of();
        return desk.beginFiling(who.caller(), new StateDesk.FilingForm(f.value("reportType"), f.value("period"), level, named,
                f.checked("withheld"), title), maxDocuments);
    }

    // ---- small forms ---------------------------------------------------------------------------------

    private PageResponse withdraw(PageRequest r, View v, SignedIn who, String id) throws Refusal {
        String reason = r.field("reason");
        if (reason == null || reason.isBlank()) {
            return filing(v, who, id, v.t("filing.withdraw.error.reason"), HttpResponseStatus.BAD_REQUEST);
        }
        if (reason.length() > 1000) {
            return filing(v, who, id, v.t("error.toolarge"), HttpResponseStatus.BAD_REQUEST);
        }
        desk.withdraw(who.caller(), id, reason);
        return PageResponse.redirect("/state/filings/" + id);
    }

    private PageResponse setInstruction(PageRequest r, View v, SignedIn who) throws Refusal {
        String type = r.field("reportType");
        String levelValue = r.field("level");
        try {
            ConfidentialityLevel level = null;
            if (levelValue == null || levelValue.isBlank()) {
                throw new Refusal(Refusal.Reason.MALFORMED, "choose a level");
            }
            if (!levelValue.equals("default")) {
                level = ConfidentialityLevel.fromWireName(levelValue)
                        .orElseThrow(() -> new Refusal(Refusal.Reason.INVALID_ROUTING, "unknown level '" + printable(levelValue) + "'"));
            }
            desk.setInstruction(who.caller(), type, level, r.fields("named"));
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.UNAVAILABLE) {
                throw e;
            }
            String message = e.reason() == Refusal.Reason.UNKNOWN_REPORT_TYPE ? pages.message(v, e) : v.t("error.bad-input", e.getMessage());
            return instructions(v, who, message, Pages.status(e.reason()));
        }
        return PageResponse.redirect("/state/instructions");
    }

    // ---- shared --------------------------------------------------------------------------------------

    private List<FilingRow> rows(SignedIn who) throws Refusal {
        List<Filing> all = desk.ownFilings(who.caller());
        Set<String> superseded = new HashSet<>();
        all.forEach(f -> {
            if (f.supersedes() != null) {
                superseded.add(f.supersedes());
            }
        });
        List<FilingRow> rows = new ArrayList<>();
        for (Filing f : all) {
            String status = f.status().equals("withdrawn") || !superseded.contains(f.id()) ? f.status() : "superseded";
            String reason = null;
            if (f.status().equals("held") || f.status().equals("withdrawn")) {
                List<Filing.Decision> d = desk.decisions(who.caller(), f.id());
                reason = d.isEmpty() ? null : d.get(d.size() - 1).reason();
            }
            rows.add(new FilingRow(f, status, reason));
        }
        return rows;
    }

    private Map<String, Object> common(SignedIn who) throws Refusal {
        Map<String, Object> p = new HashMap<>();
        p.put("state", who.caller().state());
        p.put("csrf", who.csrfToken());
        p.put("reportTypes", desk.reportTypes());
        p.put("parties", desk.otherStatesParties(who.caller()));
        p.put("stateParty", desk.isStateParty(who.caller()));
        return p;
    }

    private PageResponse document(SignedIn who, String id) throws Refusal {
        Filing f = desk.ownFiling(who.caller(), id)
                .or(() -> {
                    try {
                        return desk.distributed(who.caller()).stream().filter(x -> x.id().equals(id)).findFirst();
                    } catch (Refusal e) {
                        return Optional.empty();
                    }
                })
                .orElseThrow(() -> new Refusal(Refusal.Reason.NOT_FOUND, "no such document"));
        SeekableByteChannel doc = desk.openDocument(who.caller(), f.id()); // checks again, and audits the download
        return PageResponse.attachment(f.fileName(), doc, f.size());
    }

    private static PageResponse attachment(String name, String type, byte[] body) {
        return PageResponse.bytes(type, body, "no-store").withHeader("Content-Disposition", ContentDisposition.attachment(name));
    }

    private static <T> List<T> reverse(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static String printable(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "?");
    }
}
