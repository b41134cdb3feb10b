package org.treatyexchange.server.portal;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.treatyexchange.server.application.Filing;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.SecretariatDesk;

/**
 * The secretariat's decisions, posted from the queue or from a filing's page to
 * {@code /secretariat/filings/<id>/release|hold|withdraw} (the anti-forgery token already checked by the routes). The
 * desk decides; a refusal shows the page the form came from again with the reason at the top, and nothing changed. A
 * decision taken answers with the filing's page, which says what happened and what comes next.
 */
final class DecisionForms implements ConsolePart {

    static final int MAX_REASON = 1000;
    private static final Pattern DECISION = Pattern.compile("/secretariat/filings/([0-9A-Za-z-]{1,64})/(release|hold|withdraw)");

    private final SecretariatDesk desk;
    private final QueuePages queue;
    private final FilingPages filings;

    DecisionForms(SecretariatDesk desk, QueuePages queue, FilingPages filings) {
        this.desk = desk;
        this.queue = queue;
        this.filings = filings;
    }

    @Override
    public Optional<PageResponse> handle(PageRequest r, View v, SignedIn who) throws Refusal {
        Matcher m = DECISION.matcher(r.path());
        if (!r.method().equals("POST") || !m.matches()) {
            return Optional.empty();
        }
        String id = m.group(1);
        boolean fromQueue = "queue".equals(r.field("back"));
        try {
            String done = decide(who, id, m.group(2), r);
            return Optional.of(PageResponse.redirect(FilingPages.SEARCH + "/" + id + "?done=" + done));
        } catch (Refusal e) {
            if (e.reason() == Refusal.Reason.UNAVAILABLE || e.reason() == Refusal.Reason.NOT_FOUND || e.reason() == Refusal.Reason.FORBIDDEN) {
                throw e;
            }
            String message = v.t("error.bad-input", e.getMessage());
            HttpResponseStatus status = Pages.status(e.reason());
            return Optional.of(fromQueue ? queue.queue(v, who, message, status) : filings.filing(v, who, id, null, message, status));
        }
    }

    private String decide(SignedIn who, String id, String action, PageRequest r) throws Refusal {
        switch (action) {
            case "release" -> {
                Filing.Release done = desk.release(who.caller(), id, r.field("supersededBy"));
                return done.distributed() ? "released" : "approved";
            }
            case "hold" -> {
                desk.hold(who.caller(), id, reason(r, "a hold"));
                return "held";
            }
            default -> {
                desk.withdraw(who.caller(), id, reason(r, "a withdrawal"));
                return "withdrawn";
            }
        }
    }

    /** The reason the form gave: required, and short enough to keep in the history. */
    private static String reason(PageRequest r, String act) throws Refusal {
        String reason = r.field("reason");
        if (reason == null || reason.isBlank()) {
            throw new Refusal(Refusal.Reason.MALFORMED, act + " needs a reason: enter why");
        }
        if (reason.length() > MAX_REASON) {
            throw new Refusal(Refusal.Reason.MALFORMED, "the reason is longer than " + MAX_REASON + " characters");
        }
        return reason.strip();
    }
}
