package org.treatyexchange.server.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every text exists in the three languages, every key a template uses exists, and the language is chosen as documented. */
class TextsTest {

    @Test
    void theThreeLanguagesHaveTheSameKeys() {
        assertThat(Texts.of("fr").keys()).isEqualTo(Texts.of("en").keys());
        assertThat(Texts.of("es").keys()).isEqualTo(Texts.of("en").keys());
        assertThat(Texts.of("fr").get("reports.title")).isEqualTo("Rapports publics");
        assertThat(Texts.of("es").get("reports.title")).isEqualTo("Informes públicos");
        // apostrophes survive MessageFormat, with and without arguments
        assertThat(Texts.of("fr").get("error.notfound")).contains("n'existe pas");
        assertThat(Texts.of("fr").get("reports.count", 3)).isEqualTo("3 rapports");
    }

    /** Properties keep the last of two equal keys without a word: one of the two texts would silently never show. */
    @Test
    void noKeyIsDefinedTwiceInALanguageFile() throws Exception {
        for (String language : Texts.LANGUAGES) {
            Path file = messages(language);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String key = line.substring(0, line.indexOf('='));
                assertThat(seen.add(key)).as(file + " defines " + key + " twice").isTrue();
            }
        }
    }

    /** Every text goes through MessageFormat, which drops a single apostrophe ("State's" would show as "States"). */
    @Test
    void everyApostropheIsDoubledForMessageFormat() throws Exception {
        Pattern lone = Pattern.compile("(?<!')'(?!')");
        for (String language : Texts.LANGUAGES) {
            for (String line : Files.readAllLines(messages(language))) {
                if (!line.startsWith("#")) {
                    assertThat(lone.matcher(line).find()).as(language + ": " + line).isFalse();
                }
            }
        }
        assertThat(Texts.of("en").get("reporting.intro")).contains("State Party's");
    }

    /**
     * Words that are the same in English and the other language, by language and key. A new entry here is a decision
     * (a proper name, a code, a word French or Spanish spells the same), never a way to ship an untranslated text.
     */
    private static final java.util.Map<String, java.util.Set<String>> SAME_AS_ENGLISH = java.util.Map.of(
            "fr", java.util.Set.of("site.name", "receipt.sha256", "notifications.col.id", "reports.col.document",
                    "receipt.document", "file.documents", "reporting.public", "level.public", "messages.body",
                    "received.col.title", "accounts.col.actions"),
            "es", java.util.Set.of("site.name", "receipt.sha256", "notifications.col.id", "no", "console.no"));

    /** A feature that appends its keys to the French and Spanish files in English would pass the key check; this one fails it. */
    @Test
    void everyFrenchAndSpanishTextIsTranslated() throws Exception {
        java.util.Properties english = properties("en");
        for (String language : SAME_AS_ENGLISH.keySet()) {
            java.util.Properties translated = properties(language);
            java.util.List<String> untranslated = new java.util.ArrayList<>();
            for (String key : english.stringPropertyNames()) {
                if (english.getProperty(key).equals(translated.getProperty(key)) && !SAME_AS_ENGLISH.get(language).contains(key)) {
                    untranslated.add(key + "=" + english.getProperty(key));
                }
            }
            assertThat(untranslated).as(language + " texts still in English").isEmpty();
            // an allowed key that is later translated leaves the list: a stale entry would hide the next regression
            for (String key : SAME_AS_ENGLISH.get(language)) {
                assertThat(translated.getProperty(key)).as(language + " " + key + " is in the allow-list").isEqualTo(english.getProperty(key));
            }
        }
        assertThat(Texts.of("fr").get("accounts.title")).isEqualTo("Nos comptes");
        assertThat(Texts.of("es").get("delegation.title")).isEqualTo("Cambios delegados");
        assertThat(Texts.of("fr").get("enrol.done.next", "fr-officer")).startsWith("Connectez-vous en tant que fr-officer ;");
    }

    private static java.util.Properties properties(String language) throws Exception {
        java.util.Properties texts = new java.util.Properties();
        try (var reader = Files.newBufferedReader(messages(language), java.nio.charset.StandardCharsets.UTF_8)) {
            texts.load(reader);
        }
        return texts;
    }

    private static Path messages(String language) {
        return Path.of("src/main/resources/org/treatyexchange/server/portal/messages" + (language.equals("en") ? "" : "_" + language)
                + ".properties");
    }

    @Test
    void everyKeyATemplateUsesExists() throws Exception {
        Pattern use = Pattern.compile("v\\.t\\(\"([a-z0-9.-]+)\"\\s*[,)]");
        try (Stream<Path> files = Files.list(Path.of("src/main/jte"))) {
            for (Path f : files.toList()) {
                Matcher m = use.matcher(Files.readString(f));
                while (m.find()) {
                    assertThat(Texts.of("en").keys()).as(f + " uses " + m.group(1)).contains(m.group(1));
                }
            }
        }
        // keys built from a value: the reporting table's outcomes
        for (var outcome : org.treatyexchange.server.reporting.StateStatus.Outcome.values()) {
            assertThat(Texts.of("en").keys()).contains("reporting.outcome." + outcome.wireName());
        }
    }

    @Test
    void theSwitchWinsThenTheBrowserThenEnglish() {
        assertThat(Texts.choose("fr", "es")).isEqualTo("fr");
        assertThat(Texts.choose("de", "es-MX,es;q=0.9,en;q=0.5")).isEqualTo("es");
        assertThat(Texts.choose(null, "de-DE,fr;q=0.4")).isEqualTo("fr");
        assertThat(Texts.choose(null, "de-DE")).isEqualTo("en");
        assertThat(Texts.choose(null, ";;;q=x")).isEqualTo("en");
        assertThat(Texts.choose(null, null)).isEqualTo("en");
    }
}
