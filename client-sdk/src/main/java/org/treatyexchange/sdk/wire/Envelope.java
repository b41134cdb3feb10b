package org.treatyexchange.sdk.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The signed content of every message on the signed-message channel (version 1). A sender signs the
 * canonical JSON form ({@link EnvelopeJson#toBytes}) as CMS SignedData; the documents it announces
 * follow separately and are checked against their size and SHA-256.
 *
 * <p>Every instance is valid: the constructor enforces each rule below and throws
 * {@link IllegalArgumentException} naming the first rule broken. {@link EnvelopeJson#fromBytes}
 * reports the same messages as {@link WireFormatException}.
 *
 * <table>
 * <caption>Which fields each type takes</caption>
 * <tr><th>field</th><th>filing</th><th>correspondence</th><th>instruction</th><th>secretariat-message</th></tr>
 * <tr><td>state</td><td>required</td><td>required</td><td>required</td><td>null</td></tr>
 * <tr><td>level</td><td>optional: absent means the State's standing instruction, else the report type's default</td>
 *     <td>optional, default {@code secretariat}</td><td>optional: the new instruction; absent withdraws it</td><td>null</td></tr>
 * <tr><td>reportType</td><td>required</td><td>optional</td><td>required</td><td>null</td></tr>
 * <tr><td>period</td><td>optional, only with a reportType</td><td>optional, only with a reportType</td><td>null</td><td>null</td></tr>
 * <tr><td>withheld</td><td>true or false</td><td>false</td><td>false</td><td>false</td></tr>
 * <tr><td>recipients</td><td>empty</td><td>empty</td><td>empty</td><td>required</td></tr>
 * <tr><td>body</td><td>null</td><td>optional</td><td>optional</td><td>optional</td></tr>
 * <tr><td>documents</td><td>0 to 64</td><td>0 to 64</td><td>none</td><td>0 to 64</td></tr>
 * </table>
 *
 * @param version     format version, {@value #CURRENT_VERSION}
 * @param messageId   chosen by the sender, unique per State forever: 1 to 128 of {@code A-Z a-z 0-9 . _ : -}
 * @param type        what the message is
 * @param state       ISO 3166 alpha-3 code (upper case) of the sending State; null for a secretariat message
 * @param createdAt   when the sender made the message
 * @param level       confidentiality level asked for (for an instruction: the new standing instruction); null when
 *                    not said, and always for a secretariat message
 * @param namedStates with level {@code named}: the States that may read it, non-empty, sorted, no repeats;
 *                    otherwise empty
 * @param reportType  report type id, 1 to 40 of {@code a-z 0-9 -}
 * @param period      reporting period {@code 2025} or {@code 2024-2025}, or null
 * @param title       1 to 300 characters, no control characters
 * @param withheld    the State says information was withheld (ATT Article 13.3)
 * @param recipients  for a secretariat message: distinct State codes, or exactly {@code ["all-states-parties"]}
 * @param body        free text (tab and line breaks allowed), at most 32 KiB of UTF-8, or null
 * @param documents   0 to 64 documents with distinct names
 */
public record Envelope(
        int version,
        String messageId,
        MessageType type,
        String state,
        Instant createdAt,
        ConfidentialityLevel level,
        List<String> namedStates,
        String reportType,
        String period,
        String title,
        boolean withheld,
        List<String> recipients,
        String body,
        List<DocumentInfo> documents) {

    /** The only version this SDK reads and writes. */
    public static final int CURRENT_VERSION = 1;
    /** Largest envelope (JSON bytes) the exchange accepts; checked before parsing. */
    public static final int MAX_BYTES = 64 * 1024;
    /** The single recipient that means every State Party. */
    public static final String ALL_STATES_PARTIES = Rules.ALL_STATES_PARTIES;

    /**
     * Checks every rule; a correspondence without a level gets {@code secretariat}. Null lists become empty.
     *
     * @throws IllegalArgumentException naming the first rule the values break
     */
    public Envelope {
        Rules.require(version == CURRENT_VERSION, "envelope version must be " + CURRENT_VERSION);
        Rules.id("messageId", messageId);
        Rules.require(type != null, "type is required");
        namedStates = Rules.copy("namedStates", namedStates);
        recipients = Rules.copy("recipients", recipients);
        documents = Rules.copy("documents", documents);
        boolean fromState = type != MessageType.SECRETARIAT_MESSAGE;
        if (fromState) {
            Rules.state("state", state);
        } else {
            Rules.require(state == null, "state must be absent for a secretariat-message");
        }
        Rules.require(createdAt != null, "createdAt is required");
        if (type == MessageType.CORRESPONDENCE && level == null) {
            level = ConfidentialityLevel.SECRETARIAT;
        }
        if (!fromState) {
            Rules.require(level == null, "level must be absent for a secretariat-message");
        }
        if (level == ConfidentialityLevel.NAMED) {
            Rules.require(!namedStates.isEmpty(), "namedStates is required with level named");
            Rules.sortedStates("namedStates", namedStates);
        } else {
            Rules.require(namedStates.isEmpty(), "namedStates is allowed only with level named");
        }
        if (type == MessageType.FILING || type == MessageType.INSTRUCTION) {
            Rules.reportType("reportType", reportType);
        } else if (type == MessageType.CORRESPONDENCE) {
            if (reportType != null) {
                Rules.reportType("reportType", reportType);
            }
        } else {
            Rules.require(reportType == null, "reportType must be absent for a secretariat-message");
        }
        Rules.period("period", period);
        Rules.require(period == null || reportType != null, "period is allowed only with a reportType");
        Rules.require(period == null || type != MessageType.INSTRUCTION, "period is not allowed for an instruction");
        Rules.title("title", title);
        Rules.require(!withheld || type == MessageType.FILING, "withheld may be true only for a filing");
        if (fromState) {
            Rules.require(recipients.isEmpty(), "recipients is allowed only for a secretariat-message");
        } else {
            Rules.recipients("recipients", recipients);
        }
        if (type == MessageType.FILING) {
            Rules.require(body == null, "body is not allowed for a filing");
        } else {
            Rules.body("body", body);
        }
        Rules.require(documents.size() <= Rules.MAX_DOCUMENTS, "documents must have at most 64 entries");
        Rules.require(documents.isEmpty() || type != MessageType.INSTRUCTION, "an instruction carries no documents");
        Set<String> names = new HashSet<>();
        for (DocumentInfo d : documents) {
            Rules.require(names.add(d.name()), "documents must have distinct names");
        }
    }

    /** Lower-case hex SHA-256 of {@link EnvelopeJson#toBytes(Envelope) this envelope's canonical bytes}. */
    public String digest() {
        return sha256Hex(EnvelopeJson.toBytes(this));
    }

    /** A builder that checks each value as it is set. */
    public static Builder builder() {
        return new Builder();
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Builds an {@link Envelope}. Each setter checks its value at once and throws
     * {@link IllegalArgumentException} with the rule; {@link #build()} checks the rules between fields
     * and the size limit. Collections are copied. {@code createdAt} defaults to the clock's current
     * instant (milliseconds); the type defaults to nothing and must be set.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private String messageId;
        private MessageType type;
        private String state;
        private Instant createdAt;
        private ConfidentialityLevel level;
        private final TreeSet<String> namedStates = new TreeSet<>();
        private String reportType;
        private String period;
        private String title;
        private boolean withheld;
        private final List<String> recipients = new ArrayList<>();
        private String body;
        private final Map<String, DocumentInfo> documents = new LinkedHashMap<>();
        private final Map<String, Path> files = new LinkedHashMap<>();

        private Builder() {
        }

        /** The clock that supplies {@code createdAt} when it is not set. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The sender's id for the message, unique forever: 1 to 128 of {@code A-Z a-z 0-9 . _ : -}. */
        public Builder messageId(String messageId) {
            this.messageId = Rules.id("messageId", messageId);
            return this;
        }

        /** What the message is: filing, correspondence or secretariat message. */
        public Builder type(MessageType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        /** The sending State's ISO 3166 alpha-3 code (upper case). */
        public Builder state(String state) {
            this.state = Rules.state("state", state);
            return this;
        }

        /** When the message was made; the exchange refuses one more than 5 minutes from its clock. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
            return this;
        }

        /** Who may read the documents. */
        public Builder level(ConfidentialityLevel level) {
            this.level = Objects.requireNonNull(level, "level");
            return this;
        }

        /** Adds States that may read a {@code named} message; sorted and de-duplicated for you. */
        public Builder namedStates(String... states) {
            return namedStates(Arrays.asList(states));
        }

        /** Adds States that may read a {@code named} message; sorted and de-duplicated for you. */
        public Builder namedStates(Collection<String> states) {
            for (String s : states) {
                namedStates.add(Rules.state("namedStates entry", s));
            }
            return this;
        }

        /** The report type, e.g. {@code annual-report}. */
        public Builder reportType(String reportType) {
            this.reportType = Rules.reportType("reportType", reportType);
            return this;
        }

        /** {@code 2025}, {@code 2024-2025}, or null for none. */
        public Builder period(String period) {
            this.period = Rules.period("period", period);
            return this;
        }

        /** 1 to 300 characters. */
        public Builder title(String title) {
            this.title = Rules.title("title", title);
            return this;
        }

        /** Records that the State withheld commercially sensitive or national-security information. */
        public Builder withheld(boolean withheld) {
            this.withheld = withheld;
            return this;
        }

        /** Adds State recipients of a secretariat message; repeats are ignored. */
        public Builder recipients(String... states) {
            for (String s : states) {
                String code = Rules.state("recipients entry", s);
                if (!recipients.contains(code)) {
                    recipients.add(code);
                }
            }
            return this;
        }

        /** Addresses a secretariat message to every State Party (instead of a list). */
        public Builder allStatesParties() {
            recipients.clear();
            recipients.add(ALL_STATES_PARTIES);
            return this;
        }

        /** Free text, or null for none. */
        public Builder body(String body) {
            this.body = Rules.body("body", body);
            return this;
        }

        /** Announces a document whose size and SHA-256 the caller already knows. The name is put in NFC. */
        public Builder document(String name, long size, String sha256, String mediaType) {
            return add(new DocumentInfo(nfc(name), size, sha256, mediaType), null);
        }

        /**
         * Announces a file as a document: reads it once, streaming, for its size and SHA-256. The name
         * (put in NFC) is what the receiver sees; the path is remembered for {@link #files()}.
         *
         * @throws IOException when the file cannot be read (the message names the document, not the path)
         */
        public Builder document(String name, Path file, String mediaType) throws IOException {
            Objects.requireNonNull(file, "file");
            String nfcName = nfc(name);
            Rules.documentName("document name", nfcName);
            Rules.mediaType("document mediaType", mediaType);
            MessageDigest digest = sha256();
            long size = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    size += n;
                }
            } catch (IOException e) {
                throw new IOException("document '" + nfcName + "' could not be read", e);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            return add(new DocumentInfo(nfcName, size, sha, mediaType), file);
        }

        private Builder add(DocumentInfo document, Path file) {
            Rules.require(!documents.containsKey(document.name()), "documents must have distinct names");
            Rules.require(documents.size() < Rules.MAX_DOCUMENTS, "documents must have at most 64 entries");
            documents.put(document.name(), document);
            if (file != null) {
                files.put(document.name(), file);
            }
            return this;
        }

        /** The files announced with {@link #document(String, Path, String)}, by document name, in order. */
        public Map<String, Path> files() {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        }

        /**
         * @throws IllegalArgumentException naming the first rule broken, or when the envelope would
         *                                  exceed {@value Envelope#MAX_BYTES} bytes
         */
        public Envelope build() {
            Envelope e = new Envelope(CURRENT_VERSION, messageId, type, state,
                    createdAt != null ? createdAt : clock.instant().truncatedTo(ChronoUnit.MILLIS),
                    level, List.copyOf(namedStates), reportType, period, title, withheld,
                    List.copyOf(recipients), body, List.copyOf(documents.values()));
            Rules.require(EnvelopeJson.toBytes(e).length <= MAX_BYTES, "envelope exceeds " + MAX_BYTES + " bytes");
            return e;
        }

        private static String nfc(String name) {
            return name == null ? null : Normalizer.normalize(name, Normalizer.Form.NFC);
        }
    }
}
