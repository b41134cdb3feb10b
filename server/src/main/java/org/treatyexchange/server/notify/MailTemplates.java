package org.treatyexchange.server.notify;

import java.time.LocalDate;
import java.util.Optional;
import org.treatyexchange.server.store.FilingRecord;

/**
 * The text of every notification, plain; in English, except an enrolment invitation, which is written in the inviting
 * administrator's portal language (English, French or Spanish). What a mail may say is fixed here and nowhere else: the
 * filing's id, the State, report type, period and level, its title and the document's name (both chosen by the State), dates, and
 * links to the portal. Never a document or anything read from one, never the secretariat's reason for a hold (it may
 * quote the document): the portal shows that after login.
 */
public final class MailTemplates {

    /** The languages an invitation is written in (the portal's); any other is English. */
    public static final java.util.List<String> INVITATION_LANGUAGES = java.util.List.of("en", "fr", "es");

    static final String FILING_RECEIVED = "filing-received";
    static final String FILING_RECEIVED_SECRETARIAT = "filing-received-secretariat";
    static final String FILING_RELEASED = "filing-released";
    static final String FILING_HELD = "filing-held";
    static final String DEADLINE_REMINDER = "deadline-reminder";
    static final String DEADLINE_OVERDUE = "deadline-overdue";

    private static final String PREFIX = "[Treaty Exchange] ";
    private static final String SIGNATURE = "\n-- \nTreaty Exchange, on behalf of the secretariat. This message was sent automatically;"
            + " it carries no document.\n";
    private static final int MAX_FIELD = 200;
    /** A title is shown whole: the filing rules already keep it to 300 characters, none of them a control character. */
    private static final int TITLE_CHARS = 300;

    /** A rendered mail. */
    public record Text(String subject, String body) {
    }

    private final Optional<String> portalUrl;

    MailTemplates(Optional<String> portalUrl) {
        this.portalUrl = portalUrl;
    }

    Text received(FilingRecord f) {
        return new Text(PREFIX + "Filing " + f.id() + " received: " + what(f),
                "The exchange received a filing of " + f.state() + ". The signed receipt is attached.\n\n"
                        + facts(f)
                        + "\nIt waits for the secretariat, who releases it as the filing says.\n"
                        + link("/state/filings/" + f.id()) + SIGNATURE);
    }

    Text receivedForSecretariat(FilingRecord f, boolean needsReview) {
        return new Text(PREFIX + "New filing " + f.id() + " from " + f.state() + ": " + what(f),
                "A new filing arrived.\n\n" + facts(f)
                        + "Needs review:   " + (needsReview ? "yes" : "no") + "\n"
                        + link("/secretariat/filings/" + f.id()) + SIGNATURE);
    }

    Text released(FilingRecord f) {
        return new Text(PREFIX + "Filing " + f.id() + " released: " + what(f),
                "The secretariat released a filing of " + f.state() + ": it was distributed as its level says.\n\n" + facts(f)
                        + link("/state/filings/" + f.id()) + SIGNATURE);
    }

    Text held(FilingRecord f) {
        return new Text(PREFIX + "Filing " + f.id() + " held: " + what(f),
                "The secretariat held a filing of " + f.state() + ": it is not distributed for now. The reason is shown"
                        + " with the filing in the portal.\n\n" + facts(f)
                        + link("/state/filings/" + f.id()) + SIGNATURE);
    }

    Text reminder(String state, String reportTypeName, String period, LocalDate due, long daysLeft) {
        String owed = reportTypeName + (period == null ? "" : " for " + period);
        return new Text(PREFIX + "Reminder: " + owed + " due on " + due + " (" + state + ")",
                "The exchange has no " + owed + " from " + state + " yet. It is due on " + due + ", in " + daysLeft
                        + (daysLeft == 1 ? " day" : " days") + ".\n\nIf it was sent another way, please ignore this reminder.\n"
                        + link("/state/file") + SIGNATURE);
    }

    Text overdue(String state, String reportTypeName, String period, LocalDate due) {
        String owed = reportTypeName + (period == null ? "" : " for " + period);
        return new Text(PREFIX + "Overdue: " + owed + " was due on " + due + " (" + state + ")",
                "The exchange has no " + owed + " from " + state + ". It was due on " + due + " and is now overdue.\n\n"
                        + "If it was sent another way, please ignore this message.\n" + link("/state/file") + SIGNATURE);
    }

    /**
     * An enrolment invitation: whom it is for and until when its one-time link works, in {@code language} (English when it
     * is not one of {@link #INVITATION_LANGUAGES}). The link is given as it goes in the mail (with its token placeholder).
     */
    public static Text invitation(String language, String state, String account, java.time.Instant until, String link) {
        String lang = language != null && INVITATION_LANGUAGES.contains(language) ? language : "en";
        return switch (lang) {
            case "fr" -> new Text("Treaty Exchange : votre invitation (" + account + ")",
                    "Vous êtes invité(e) sur le Treaty Exchange comme agent de " + state + ", avec le compte « " + account + " ».\n\n"
                            + "Ouvrez ce lien pour choisir votre mot de passe (il sert une fois, jusqu'au " + until + ") :\n\n" + link
                            + "\n\nÀ votre première connexion, vous enregistrerez une application d'authentification (TOTP). Si vous"
                            + " n'attendiez pas cette invitation, ignorez ce message et prévenez le secrétariat.\n");
            case "es" -> new Text("Treaty Exchange: su invitación (" + account + ")",
                    "Se le invita al Treaty Exchange como funcionario/a de " + state + ", con la cuenta «" + account + "».\n\n"
                            + "Abra este enlace para elegir su contraseña (sirve una vez, hasta el " + until + "):\n\n" + link
                            + "\n\nEn su primer inicio de sesión registrará una aplicación de autenticación (TOTP). Si no esperaba"
                            + " esta invitación, ignore este mensaje e informe a la secretaría.\n");
            default -> new Text("Treaty Exchange: your invitation (" + account + ")",
                    "You are invited to the Treaty Exchange as an officer of " + state + ", with the account '" + account + "'.\n\n"
                            + "Open this link to set your password (it works once, until " + until + "):\n\n" + link
                            + "\n\nAt your first login you will enrol an authenticator app (TOTP). If you did not expect this invitation,"
                            + " ignore this mail and tell the secretariat.\n");
        };
    }

    private static String what(FilingRecord f) {
        return clean(f.reportType()) + (f.period() == null ? "" : " " + clean(f.period()));
    }

    private static String facts(FilingRecord f) {
        return "Filing id:      " + f.id() + "\n"
                + "State:          " + f.state() + "\n"
                + "Report type:    " + clean(f.reportType()) + "\n"
                + (f.period() == null ? "" : "Period:         " + clean(f.period()) + "\n")
                + (f.title() == null ? "" : "Title:          " + clean(f.title(), TITLE_CHARS) + "\n")
                + "Document:       " + clean(f.fileName()) + "\n"
                + "Level:          " + f.level().wireName() + "\n"
                + "Received (UTC): " + f.receivedAt() + "\n";
    }

    private String link(String path) {
        return portalUrl.map(u -> "\nIn the portal (after login): " + u + path + "\n").orElse("");
    }

    /** A State's words on one line: no control character (a header or a forged line), at most 200 characters. */
    static String clean(String text) {
        return clean(text, MAX_FIELD);
    }

    private static String clean(String text, int maxChars) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(maxChars).forEach(c -> out.appendCodePoint(Character.isISOControl(c)
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR ? '?' : c));
        return out.toString();
    }
}
