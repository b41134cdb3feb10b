package org.treatyexchange.sdk.wire;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A State's national points of contact (version 1): the document a State files as report type
 * {@value #REPORT_TYPE}, by SFTP as {@value #FILE_NAME} or as a document of a signed message, with media
 * type {@value #MEDIA_TYPE}. Its one JSON form is {@link PointsOfContactJson}.
 *
 * <p>Every instance is valid: the constructor enforces each rule and throws
 * {@link IllegalArgumentException} naming the first rule broken (by field, never by value), and
 * {@link PointsOfContactJson#fromBytes} reports the same messages as {@link WireFormatException}.
 * In particular every instance's canonical JSON is at most {@value #MAX_BYTES} bytes, so every
 * instance can be written and read back.
 *
 * <p>What this format cannot know and the server must check: that {@code state} is the filing State,
 * and whether {@code asOf} is plausible (not in the future).
 *
 * @param version  format version, {@value #CURRENT_VERSION}
 * @param state    ISO 3166 alpha-3 code (upper case) of the State whose contacts these are
 * @param asOf     the date from which the list is valid; years 0001 to 9999
 * @param contacts 1 to {@value #MAX_CONTACTS} contacts, in the State's order (the first is the main contact)
 */
public record PointsOfContact(int version, String state, LocalDate asOf, List<Contact> contacts) {

    /** The only version this SDK reads and writes. */
    public static final int CURRENT_VERSION = 1;
    /** Largest document (JSON bytes) the exchange accepts; checked before parsing and on construction. */
    public static final int MAX_BYTES = 64 * 1024;
    /** Most contacts in one list. */
    public static final int MAX_CONTACTS = 20;
    /** The report type under which a State files this document. */
    public static final String REPORT_TYPE = "points-of-contact";
    /** The file name a State uses for this document on SFTP and in a signed message. */
    public static final String FILE_NAME = "points-of-contact.json";
    /** The document's media type. */
    public static final String MEDIA_TYPE = "application/json";

    private static final LocalDate FIRST = LocalDate.of(1, 1, 1);
    private static final LocalDate LAST = LocalDate.of(9999, 12, 31);

    /** @throws IllegalArgumentException naming the first rule the values break */
    public PointsOfContact {
        Rules.require(version == CURRENT_VERSION, "points of contact version must be " + CURRENT_VERSION);
        Rules.state("state", state);
        Rules.require(asOf != null, "asOf is required");
        Rules.require(!asOf.isBefore(FIRST) && !asOf.isAfter(LAST), "asOf must be a date from 0001-01-01 to 9999-12-31");
        Rules.require(contacts != null && !contacts.isEmpty(), "contacts must have 1 to " + MAX_CONTACTS + " entries");
        contacts = Rules.copy("contacts", contacts);
        Rules.require(contacts.size() <= MAX_CONTACTS, "contacts must have 1 to " + MAX_CONTACTS + " entries");
        int bytes = PointsOfContactJson.write(version, state, asOf, contacts).length;
        Rules.require(bytes <= MAX_BYTES, "points of contact must be at most " + MAX_BYTES + " bytes as JSON");
    }

    /** A version-1 list; see the record's rules. */
    public static PointsOfContact of(String state, LocalDate asOf, List<Contact> contacts) {
        return new PointsOfContact(CURRENT_VERSION, state, asOf, contacts);
    }

    /**
     * One national point of contact. Optional fields are null when not given; an empty string is
     * taken as not given (so there is one form for "none").
     *
     * <p>No field may hold a control character: C0, DEL, C1, or a Unicode bidirectional embedding,
     * override or isolate (U+202A–U+202E, U+2066–U+2069, which could reorder the text of a printed
     * list); nor an unpaired surrogate. The address alone may hold line feeds (not CR or tab).
     * Messages name the field as {@code contacts[i].field}.
     *
     * @param name     required, 1 to 200 characters, not only spaces
     * @param title    optional, at most 500 characters
     * @param ministry optional, at most 500 characters
     * @param email    required, an addr-spec {@code local@domain} of at most 254 characters: the local
     *                 part a dot-atom of RFC 5322 {@code atext} (at most 64 characters), the domain at
     *                 least two dot-separated labels of ASCII letters, digits and inner hyphens (each 1 to 63;
     *                 an internationalized domain in its {@code xn--} form)
     * @param phone    optional, E.123-like: 5 to 32 characters of digits, spaces and {@code ( ) - .},
     *                 optionally preceded by one {@code +}, with at least 5 digits
     * @param address  optional postal address, at most 500 characters, lines separated by LF
     */
    public record Contact(String name, String title, String ministry, String email, String phone, String address) {

        /** Longest name. */
        public static final int MAX_NAME_CHARS = 200;
        /** Longest title, ministry, phone or address. */
        public static final int MAX_TEXT_CHARS = 500;
        /** Longest e-mail address. */
        public static final int MAX_EMAIL_CHARS = 254;

        /** Used when a contact is checked on its own, outside a list. */
        private static final String FIELD = "contact";

        /** @throws IllegalArgumentException naming the first rule the values break */
        public Contact {
            title = emptyToNull(title);
            ministry = emptyToNull(ministry);
            phone = emptyToNull(phone);
            address = emptyToNull(address);
            check(FIELD, name, title, ministry, email, phone, address);
        }

        private static String emptyToNull(String v) {
            return v == null || v.isEmpty() ? null : v;
        }
    }

    // RFC 5322 atext, dot-atom: no leading, trailing or doubled dots.
    private static final Pattern LOCAL_PART = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ().-]+");

    /** The contact rules with messages naming {@code prefix.field}. */
    static void check(String prefix, String name, String title, String ministry, String email, String phone,
            String address) {
        String f = prefix + ".name";
        Rules.require(name != null, f + " is required");
        Rules.require(clean(name, false), f + " must not contain control characters");
        int chars = name.codePointCount(0, name.length());
        Rules.require(chars >= 1 && chars <= Contact.MAX_NAME_CHARS, f + " must be 1 to 200 characters");
        Rules.require(!name.isBlank(), f + " must not be blank");
        optionalText(prefix + ".title", title, false);
        optionalText(prefix + ".ministry", ministry, false);
        email(prefix + ".email", email);
        phone(prefix + ".phone", phone);
        optionalText(prefix + ".address", address, true);
    }

    private static void optionalText(String field, String value, boolean lineFeeds) {
        if (value == null) {
            return;
        }
        Rules.require(clean(value, lineFeeds), field + (lineFeeds
                ? " must not contain control characters other than line feed"
                : " must not contain control characters"));
        Rules.require(value.codePointCount(0, value.length()) <= Contact.MAX_TEXT_CHARS,
                field + " must be at most 500 characters");
    }

    private static void email(String field, String value) {
        Rules.require(value != null, field + " is required");
        Rules.require(value.length() <= Contact.MAX_EMAIL_CHARS, field + " must be at most 254 characters");
        int at = value.lastIndexOf('@');
        boolean ok = at > 0 && at <= 64 && LOCAL_PART.matcher(value.substring(0, at)).matches();
        if (ok) {
            String[] labels = value.substring(at + 1).split("\\.", -1);
            ok = labels.length >= 2;
            for (String label : labels) {
                ok &= LABEL.matcher(label).matches();
            }
        }
        Rules.require(ok, field + " must be an e-mail address like name@ministry.example");
    }

    private static void phone(String field, String value) {
        if (value == null) {
            return;
        }
        Rules.require(value.length() >= 5 && value.length() <= 32 && PHONE.matcher(value).matches(),
                field + " must be 5 to 32 characters of digits, spaces and ( ) - . after an optional leading +");
        Rules.require(value.chars().filter(c -> c >= '0' && c <= '9').count() >= 5, field + " must have at least 5 digits");
    }

    /** {@link Rules#printable} without tab or CR, LF only where allowed, and no bidirectional controls. */
    private static boolean clean(String value, boolean lineFeeds) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\t' || c == '\r' || (c == '\n' && !lineFeeds)
                    || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
                return false;
            }
        }
        return Rules.printable(value, true);
    }
}
