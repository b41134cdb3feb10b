package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.treatyexchange.server.application.MessageDraft;
import org.treatyexchange.server.application.PublicDesk;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * Messages to States under {@code /secretariat/messages}: the form (chosen States, or all States Parties; a
 * title, the text, attachments) and the confirmation. The form's POST streams ({@link MessageUpload}): each
 * attachment goes straight into the application layer's {@link MessageDraft}, which queues the message for each
 * recipient (their inbound queue, SFTP {@code /distributed/} and portal), signed by the server.
 */
final class MessagePages implements ConsolePart {

    static final String PATH = "/secretariat/messages";
    static final String ALL = "all-states-parties";

    private final SecretariatDesk desk;
    private final PublicDesk publicDesk;
    private final Pages pages;

    MessagePages(SecretariatDesk desk, PublicDesk publicDesk, Pages pages) {
        this.desk = desk;
        this.publicDesk = publicDesk;
        this.pages = pages;
    }

    static boolean isUpload(String path) {
        return path.equals(PATH);
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        if (!SecretariatPages.isRead(r) || !r.path().equals(PATH)) {
            return Optional.empty();
        }
        return Optional.of(form(v, who, Map.of(), null, HttpResponseStatus.OK, "1".equals(r.param("sent"))));
    }

    PageResponse form(View v, SignedIn who, Map<String, List<String>> fields, String error, HttpResponseStatus status, boolean sent) {
        Map<String, Object> p = new HashMap<>();
        p.put("states", publicDesk.states());
        p.put("form", new FormValues(fields));
        p.put("error", error);
        p.put("sent", sent);
        p.put("csrf", who.csrfToken());
        return pages.page("secretariat-messages", v, p, status);
    }

    /** Opens the draft for what the form's fields say (before the first attachment, or at the end when there is none). */
    MessageDraft begin(SignedIn who, Map<String, List<String>> fields) throws Refusal {
        FormValues f = new FormValues(fields);
        List<String> recipients = f.checked("all") ? List.of(ALL) : f.values("to");
        if (recipients.isEmpty()) {
            throw new Refusal(Refusal.Reason.MALFORMED, "choose the States to write to, or all States Parties");
        }
        return desk.beginMessage(who.caller(), recipients, f.value("title").strip(), f.value("body"));
    }

    /** The form again with what was entered and why it was refused; nothing was kept. */
    PageResponse refused(View v, SignedIn who, Map<String, List<String>> fields, Refusal why) {
        HttpResponseStatus status = Pages.status(why.reason());
        String message = why.reason() == Refusal.Reason.UNAVAILABLE || why.reason() == Refusal.Reason.FORBIDDEN ? pages.message(v, why)
                : v.t("error.bad-input", why.getMessage());
        return who == null ? pages.error(v, status, message) : form(v, who, fields, message, status, false);
    }
}
