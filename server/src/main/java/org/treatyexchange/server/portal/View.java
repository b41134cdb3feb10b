package org.treatyexchange.server.portal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * What every template gets besides its own data: the texts in the chosen language, the page's path (for
 * the language switch) and the URLs of the static files. Templates print only through it and through
 * their own parameters; the template engine escapes every value for where it is printed.
 */
public final class View {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final Texts texts;
    private final String path;
    private final String person;
    private final String csrf;
    private final boolean stateAdministrator;

    View(Texts texts, String path) {
        this(texts, path, null, null, false);
    }

    private View(Texts texts, String path, String person, String csrf, boolean stateAdministrator) {
        this.texts = texts;
        this.path = path;
        this.person = person;
        this.csrf = csrf;
        this.stateAdministrator = stateAdministrator;
    }

    /** Whether the signed-in person is a State administrator (the State's navigation then offers its accounts page). */
    public boolean stateAdministrator() {
        return stateAdministrator;
    }

    /** This view for a signed-in person: the header names them and offers the logout form. */
    View signedIn(SignedIn who) {
        return new View(texts, path, who.caller().account(), who.csrfToken(), who.caller().administersState());
    }

    /** The signed-in person's account name, or null on a page seen without login. */
    public String person() {
        return person;
    }

    /** The signed-in session's anti-forgery token, for the hidden {@code csrf} field of every form; null without login. */
    public String csrf() {
        return csrf;
    }

    /** The text of {@code key} in the page's language. */
    public String t(String key, Object... args) {
        return texts.get(key, args);
    }

    public String lang() {
        return texts.language();
    }

    public List<String> languages() {
        return Texts.LANGUAGES;
    }

    /** The name of a language in itself (English, Français, Español). */
    public String languageName(String language) {
        return Texts.of(language).get("language.self");
    }

    /** This page in another language. */
    public String languageLink(String language) {
        return path + (path.contains("?") ? "&" : "?") + "lang=" + language;
    }

    /** A static file under its versioned URL (cached for a year; a new release changes the version). */
    public String staticUrl(String name) {
        return StaticFiles.url(name);
    }

    /** A query-string value. */
    public String q(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    public String when(Instant at) {
        return at == null ? "" : WHEN.format(at);
    }

    /** A size in bytes for people: 1.2 MB. */
    public String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KB", "MB", "GB", "TB"};
        int i = -1;
        do {
            v /= 1024;
            i++;
        } while (v >= 1024 && i < units.length - 1);
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
