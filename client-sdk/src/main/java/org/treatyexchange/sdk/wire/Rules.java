package org.treatyexchange.sdk.wire;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The field rules shared by every wire format, in one place. Each check throws
 * {@link IllegalArgumentException} whose message names the field and the rule, never the offending
 * value: the messages are safe to return to a client and stable enough to test.
 */
final class Rules {

    static final int MAX_ID_LENGTH = 128;
    static final int MAX_TITLE_CHARS = 300;
    static final int MAX_BODY_BYTES = 32 * 1024;
    static final int MAX_DOCUMENTS = 64;
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_ACCOUNT_CHARS = 128;
    static final int MAX_RECIPIENTS = 512;
    static final String ALL_STATES_PARTIES = "all-states-parties";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern SUBMISSION_ID = Pattern.compile(
            "[A-Za-z0-9._-]{" + Manifest.MIN_SUBMISSION_ID + "," + Manifest.MAX_SUBMISSION_ID + "}");
    private static final Pattern STATE = Pattern.compile("[A-Z]{3}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern REPORT_TYPE = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern PERIOD = Pattern.compile("([0-9]{4})(?:-([0-9]{4}))?");
    // RFC 9110 token characters on both sides of the slash; no parameters.
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[!#$%&'*+.^_`|~0-9A-Za-z-]{1,127}/[!#$%&'*+.^_`|~0-9A-Za-z-]{1,127}");

    private Rules() {
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    static String id(String field, String value) {
        require(value != null, field + " is required");
        require(ID.matcher(value).matches(), field + " must be 1 to 128 characters of A-Z a-z 0-9 . _ : -");
        return value;
    }

    /** Optional (null passes): 16 to 64 characters of A-Z a-z 0-9 . _ - (no colon: it is not a message id). */
    static String submissionId(String field, String value) {
        if (value == null) {
            return null;
        }
        require(SUBMISSION_ID.matcher(value).matches(), field + " must be " + Manifest.MIN_SUBMISSION_ID + " to "
                + Manifest.MAX_SUBMISSION_ID + " characters of A-Z a-z 0-9 . _ -");
        return value;
    }

    static String state(String field, String value) {
        require(value != null, field + " is required");
        require(STATE.matcher(value).matches(), field + " must be an ISO 3166 alpha-3 code in upper case");
        return value;
    }

    static String sha256(String field, String value) {
        require(value != null, field + " is required");
        require(SHA256.matcher(value).matches(), field + " must be 64 lower-case hex digits");
        return value;
    }

    static String reportType(String field, String value) {
        require(value != null, field + " is required");
        require(REPORT_TYPE.matcher(value).matches(), field + " must be 1 to 40 characters of a-z 0-9 -");
        return value;
    }

    /** A period is null, a year, or a range of years that does not run backwards. */
    static String period(String field, String value) {
        if (value == null) {
            return null;
        }
        var m = PERIOD.matcher(value);
        require(m.matches(), field + " must be a year (2025) or a range of years (2024-2025)");
        require(m.group(2) == null || m.group(1).compareTo(m.group(2)) <= 0, field + " must not end before it starts");
        return value;
    }

    static String mediaType(String field, String value) {
        require(value != null, field + " is required");
        require(MEDIA_TYPE.matcher(value).matches(), field + " must be a media type type/subtype without parameters");
        return value;
    }

    static String title(String field, String value) {
        require(value != null, field + " is required");
        int chars = value.codePointCount(0, value.length());
        require(chars >= 1 && chars <= MAX_TITLE_CHARS, field + " must be 1 to 300 characters");
        require(printable(value, false), field + " must not contain control characters");
        return value;
    }

    static String account(String field, String value) {
        require(value != null, field + " is required");
        int chars = value.codePointCount(0, value.length());
        require(chars >= 1 && chars <= MAX_ACCOUNT_CHARS, field + " must be 1 to 128 characters");
        require(printable(value, false), field + " must not contain control characters");
        return value;
    }

    /** Optional free text: tab, line feed and carriage return allowed, at most 32 KiB of UTF-8. */
    static String body(String field, String value) {
        if (value == null) {
            return null;
        }
        require(printable(value, true), field + " must not contain control characters other than tab and line breaks");
        require(value.getBytes(StandardCharsets.UTF_8).length <= MAX_BODY_BYTES, field + " must be at most 32768 bytes of UTF-8");
        return value;
    }

    /** A document name by {@link DocumentNames}, in NFC. */
    static String documentName(String field, String value) {
        require(value != null, field + " is required");
        require(Normalizer.isNormalized(value, Normalizer.Form.NFC), field + " must be in Unicode normalization form C");
        DocumentNames.problem(value, MAX_NAME_BYTES).ifPresent(problem -> {
            throw new InvalidName(field + ": " + problem);
        });
        return value;
    }

    /** A document name that breaks {@link DocumentNames}: readers report it as such ({@link WireFormatException#concernsName()}). */
    static final class InvalidName extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidName(String message) {
            super(message);
        }
    }

    static long size(String field, long value) {
        require(value >= 0, field + " must not be negative");
        return value;
    }

    /** Each code upper-case alpha-3, strictly ascending (so sorted and without repeats). */
    static List<String> sortedStates(String field, List<String> codes) {
        String previous = null;
        for (int i = 0; i < codes.size(); i++) {
            String code = state(field + "[" + i + "]", codes.get(i));
            require(previous == null || previous.compareTo(code) < 0, field + " must be sorted and without repeats");
            previous = code;
        }
        return codes;
    }

    /** Non-empty: either exactly ["all-states-parties"] or distinct alpha-3 codes. */
    static List<String> recipients(String field, List<String> codes) {
        require(!codes.isEmpty(), field + " must not be empty");
        require(codes.size() <= MAX_RECIPIENTS, field + " must have at most " + MAX_RECIPIENTS + " entries");
        if (codes.contains(ALL_STATES_PARTIES)) {
            require(codes.size() == 1, field + " must be exactly [\"all-states-parties\"] or a list of State codes");
            return codes;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < codes.size(); i++) {
            require(seen.add(state(field + "[" + i + "]", codes.get(i))), field + " must not repeat a State");
        }
        return codes;
    }

    static <T> List<T> copy(String field, List<T> list) {
        if (list == null) {
            return List.of();
        }
        for (T item : list) {
            require(item != null, field + " must not contain null");
        }
        return List.copyOf(list);
    }

    /**
     * No C0 or C1 control character, no DEL, no unpaired surrogate (which UTF-8 cannot carry, so the
     * canonical bytes would silently differ). Free text may keep tab, LF and CR.
     */
    static boolean printable(String value, boolean allowLineBreaks) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
                continue;
            }
            if (Character.isLowSurrogate(c)) {
                return false;
            }
            if (allowLineBreaks && (c == '\t' || c == '\n' || c == '\r')) {
                continue;
            }
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
        }
        return true;
    }
}
