package org.treatyexchange.server.portal;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The portal's texts in one language, from the resource bundle {@code portal/messages}: English (the
 * base), French and Spanish, the Arms Trade Treaty's languages.
 */
final class Texts {

    static final List<String> LANGUAGES = List.of("en", "fr", "es");
    private static final String BUNDLE = "org.treatyexchange.server.portal.messages";

    private final String language;
    private final ResourceBundle bundle;

    private Texts(String language) {
        this.language = language;
        this.bundle = ResourceBundle.getBundle(BUNDLE, Locale.forLanguageTag(language), ResourceBundle.Control.getNoFallbackControl(
                ResourceBundle.Control.FORMAT_PROPERTIES));
    }

    private static final Texts EN = new Texts("en");
    private static final Texts FR = new Texts("fr");
    private static final Texts ES = new Texts("es");

    static Texts of(String language) {
        return switch (language) {
            case "fr" -> FR;
            case "es" -> ES;
            default -> EN;
        };
    }

    /**
     * The language: an explicit choice (the switch on every page) if it is one of ours, else the best of
     * the browser's {@code Accept-Language}, else English.
     */
    static String choose(String chosen, String acceptLanguage) {
        if (chosen != null && LANGUAGES.contains(chosen)) {
            return chosen;
        }
        if (acceptLanguage != null && !acceptLanguage.isBlank()) {
            try {
                String tag = Locale.lookupTag(Locale.LanguageRange.parse(acceptLanguage), LANGUAGES);
                if (tag != null) {
                    return tag;
                }
            } catch (IllegalArgumentException e) {
                // a malformed header counts as none
            }
        }
        return "en";
    }

    String language() {
        return language;
    }

    /** The text for {@code key}; a missing key shows as itself (and a test catches it). */
    String get(String key, Object... args) {
        String pattern;
        try {
            pattern = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return new MessageFormat(pattern, Locale.forLanguageTag(language)).format(args); // also turns '' into '
    }

    /** Every key of this language's bundle (for the test that all languages have the same keys). */
    java.util.Set<String> keys() {
        return bundle.keySet();
    }
}
