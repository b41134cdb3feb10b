package org.treatyexchange.server.audit;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Something that happened and must be audited, before the log gives it a place in the chain.
 * Unknown actor or subject become {@code -}; free text from outside (subjects such as file names,
 * detail values) is cut to the column sizes so that a long name cannot make the audit write, and with
 * it the operation, fail. Details are kept sorted by key; never put a secret or document byte in them.
 *
 * @param type    event type, e.g. {@code auth.success}, {@code filing.accepted} (1..64 characters)
 * @param actor   account, or {@code -}
 * @param source  remote address, or {@code local}, or {@code -}
 * @param subject filing id, path… or {@code -}
 * @param outcome {@code ok}, {@code refused} or {@code failed}
 * @param details further fields (at most {@value #MAX_DETAILS} entries)
 */
public record AuditEvent(String type, String actor, String source, String subject, String outcome,
        Map<String, String> details) {

    public static final String OK = "ok";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    static final int MAX_TYPE = 64;
    static final int MAX_ACTOR = 256;
    static final int MAX_SOURCE = 256;
    static final int MAX_SUBJECT = 1024;
    static final int MAX_DETAIL_KEY = 64;
    static final int MAX_DETAIL_VALUE = 512;
    /** Keeps the canonical details JSON under the 8000-character column even when every value is escaped. */
    static final int MAX_DETAILS = 12;

    private static final Pattern DETAIL_KEY = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_DETAIL_KEY + "}");
    private static final Set<String> OUTCOMES = Set.of(OK, REFUSED, FAILED);

    public AuditEvent {
        Objects.requireNonNull(type, "type");
        if (type.isBlank() || type.length() > MAX_TYPE) {
            throw new IllegalArgumentException("audit event type must be 1.." + MAX_TYPE + " characters");
        }
        if (!OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("audit outcome must be ok, refused or failed");
        }
        actor = orDash(actor, MAX_ACTOR);
        source = orDash(source, MAX_SOURCE);
        subject = orDash(subject, MAX_SUBJECT);
        SortedMap<String, String> copy = new TreeMap<>();
        if (details != null) {
            for (Map.Entry<String, String> e : details.entrySet()) {
                String key = Objects.requireNonNull(e.getKey(), "detail key");
                if (!DETAIL_KEY.matcher(key).matches()) {
                    throw new IllegalArgumentException("detail keys must be 1.." + MAX_DETAIL_KEY
                            + " letters, digits, '.', '_' or '-'");
                }
                copy.put(key, cutEscaped(orDash(e.getValue(), MAX_DETAIL_VALUE)));
            }
        }
        if (copy.size() > MAX_DETAILS) {
            throw new IllegalArgumentException("at most " + MAX_DETAILS + " details per audit event");
        }
        details = Collections.unmodifiableSortedMap(copy);
    }

    /** A successful act. */
    public static AuditEvent ok(String type, String actor, String source, String subject) {
        return new AuditEvent(type, actor, source, subject, OK, Map.of());
    }

    /** An act the server refused (bad login, forbidden path, malformed filing…). */
    public static AuditEvent refused(String type, String actor, String source, String subject) {
        return new AuditEvent(type, actor, source, subject, REFUSED, Map.of());
    }

    /** An act that failed on the server's side. */
    public static AuditEvent failed(String type, String actor, String source, String subject) {
        return new AuditEvent(type, actor, source, subject, FAILED, Map.of());
    }

    /** A copy with one more (or a replaced) detail. */
    public AuditEvent withDetail(String key, String value) {
        Map<String, String> more = new TreeMap<>(details);
        more.put(key, value);
        return new AuditEvent(type, actor, source, subject, outcome, more);
    }

    /**
     * Cuts a value whose JSON form (control characters become 6-character escapes) would exceed
     * {@link #MAX_DETAIL_VALUE}, so the details always fit their column.
     */
    private static String cutEscaped(String value) {
        int budget = MAX_DETAIL_VALUE;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            budget -= c < 0x20 ? 6 : (c == '"' || c == '\\') ? 2 : 1;
            if (budget < 1) {
                int cut = i > 0 && Character.isHighSurrogate(value.charAt(i - 1)) ? i - 1 : i;
                return value.substring(0, cut) + "…";
            }
        }
        return value;
    }

    private static String orDash(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        if (value.length() <= max) {
            return value;
        }
        int cut = max - 1;
        if (Character.isHighSurrogate(value.charAt(cut - 1))) {
            cut--; // never split a character in two
        }
        return value.substring(0, cut) + "…";
    }
}
