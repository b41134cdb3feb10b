package org.treatyexchange.sdk.wire;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * The one rule for names and titles that other people will read: document names in envelopes, manifests
 * and drop folders, and titles shown to other States. A name is refused, never cleaned up, when it could
 * be read as a path, display as something it is not (bidirectional controls, invisible characters) or
 * hide in white space. The server applies the same rule to every channel.
 */
public final class DocumentNames {

    /** The longest document name, in UTF-8 bytes (what SFTP clients and file systems accept). */
    public static final int MAX_NAME_BYTES = 255;
    /** The longest title, in characters. */
    public static final int MAX_TITLE_CHARS = 300;

    private DocumentNames() {
    }

    /**
     * Why {@code name} (already in Unicode NFC) may not be a document name, or empty when it may.
     *
     * @param maxBytes the longest name allowed, in UTF-8 bytes (at most {@link #MAX_NAME_BYTES})
     */
    public static Optional<String> problem(String name, int maxBytes) {
        if (name == null || name.isEmpty()) {
            return Optional.of("the file name is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("'.' and '..' are not file names");
        }
        int limit = Math.min(maxBytes, MAX_NAME_BYTES);
        if (name.getBytes(StandardCharsets.UTF_8).length > limit) {
            return Optional.of("the file name is longer than " + limit + " bytes");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return Optional.of("the file name contains a path separator");
        }
        return characterProblem(name, "file name");
    }

    /** Why {@code title} (already in NFC) may not be shown as a title, or empty when it may: the character rules of names, '/' allowed. */
    public static Optional<String> titleProblem(String title) {
        if (title == null || title.isEmpty()) {
            return Optional.of("the title is empty");
        }
        if (title.codePointCount(0, title.length()) > MAX_TITLE_CHARS) {
            return Optional.of("the title is longer than " + MAX_TITLE_CHARS + " characters");
        }
        return characterProblem(title, "title");
    }

    private static Optional<String> characterProblem(String s, String what) {
        if (isBlank(s.codePointAt(0)) || isBlank(s.codePointBefore(s.length()))) {
            return Optional.of("the " + what + " starts or ends with white space");
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            int type = Character.getType(cp);
            if (type == Character.CONTROL) {
                return Optional.of("the " + what + " contains a control character");
            }
            if (cp == 0x2028 || cp == 0x2029) {
                return Optional.of("the " + what + " contains a line or paragraph separator");
            }
            if (type == Character.FORMAT || isDefaultIgnorable(cp)) {
                // bidirectional controls, zero-width characters, the byte-order mark, soft hyphen, tags…:
                // they make a name display differently from what it is
                return Optional.of("the " + what + " contains an invisible or text-direction formatting character (U+"
                        + String.format(Locale.ROOT, "%04X", cp) + ")");
            }
            if (type == Character.UNASSIGNED || type == Character.SURROGATE || type == Character.PRIVATE_USE) {
                return Optional.of("the " + what + " contains an unassigned, surrogate or private-use character");
            }
        }
        return Optional.empty();
    }

    /** White space in the full Unicode sense: also no-break and ideographic spaces. */
    private static boolean isBlank(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
    }

    /**
     * Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which also covers what category Cf
     * misses: U+034F, U+115F, U+1160, U+17B4, U+17B5, U+180B–U+180F, U+3164, U+FFA0, variation selectors.
     */
    static boolean isDefaultIgnorable(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
                || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0
                || (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A)
                || (cp >= 0xE0000 && cp <= 0xE0FFF);
    }
}
