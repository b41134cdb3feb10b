package org.treatyexchange.server.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node of a YAML file under {@code config/} while it is being read: it knows its file and its
 * dotted key (e.g. {@code sftp.port}, {@code accounts[arcadia-officer].sshKeys[0]}), so every
 * error it raises names both. Strict: unknown keys, wrong types and out-of-range values are
 * errors, never silently ignored. Shared by the loaders of {@code config/server.yaml} and
 * {@code config/registry.yaml}; not a general YAML API.
 */
public final class ConfigNode {
    // Duplicate keys are almost always a copy-paste mistake where the second silently wins.
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");
    private static final Pattern DECIMAL_SIZE = Pattern.compile("\\d+\\s*(k|K|M|G|T)B?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final Path file;
    private final String key;
    private final JsonNode node; // null when absent or explicitly empty

    private ConfigNode(Path file, String key, JsonNode node) {
        this.file = file;
        this.key = key;
        this.node = node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    /**
     * Reads a YAML file; a file that is empty or holds only comments reads as an empty mapping.
     *
     * @throws ConfigException if the file is missing, unreadable, not YAML, or its top level is
     *     not a mapping
     */
    public static ConfigNode read(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, "(file)", "does not exist; create it or point to an existing file");
        } catch (IOException e) {
            throw new ConfigException(file, "(file)", "cannot be read (" + e.getClass().getSimpleName()
                    + "); check that it is a readable UTF-8 file");
        }
        return parse(text, file);
    }

    /** Reads YAML text as {@link #read} reads a file; {@code file} names it in errors. */
    public static ConfigNode parse(String text, Path file) throws ConfigException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, "(line " + e.getLocation().getLineNr() + ")",
                    "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("syntax error"));
        }
        ConfigNode root = new ConfigNode(file, "", tree);
        if (root.node != null && !root.node.isObject()) {
            throw root.error("the top level must be a mapping of keys to values");
        }
        return root;
    }

    public Path file() {
        return file;
    }

    /** The dotted key of this node; empty for the top level. */
    public String key() {
        return key;
    }

    /** Whether the key is present with a non-empty value. */
    public boolean isPresent() {
        return node != null;
    }

    /** An error about this node, naming its file and key. */
    public ConfigException error(String problem) {
        return new ConfigException(file, key.isEmpty() ? "(top level)" : key, problem);
    }

    /** The same value under another key name, e.g. {@code accounts[3]} → {@code accounts[arcadia-officer]}. */
    public ConfigNode relabel(String newKey) {
        return new ConfigNode(file, newKey, node);
    }

    /** The child under {@code name}; absent if the key is not there. This node must be a mapping. */
    public ConfigNode get(String name) throws ConfigException {
        requireMapping();
        return new ConfigNode(file, childKey(name), node == null ? null : node.get(name));
    }

    /**
     * Checks that this node is a mapping (or absent) whose keys are all in {@code allowed}.
     * An unknown key is an error that suggests the nearest allowed key; a key that looks like a
     * secret is refused with the reason.
     */
    public ConfigNode requireKeys(String... allowed) throws ConfigException {
        requireMapping();
        if (node == null) {
            return this;
        }
        List<String> known = Arrays.asList(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (known.contains(name)) {
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.contains("password") || lower.contains("passphrase") || lower.contains("secret")) {
                throw new ConfigException(file, childKey(name), "secrets never go in files under config/ "
                        + "(they are copied into backups, version control and support tickets); put the "
                        + "secret in an environment variable or a protected file and name that variable "
                        + "(see keys.passwordEnv and keys.passwordFileEnv in server.yaml)");
            }
            String suggestion = nearest(name, known);
            throw new ConfigException(file, childKey(name), "unknown key"
                    + (suggestion == null ? "" : " — did you mean '" + childKey(suggestion) + "'?")
                    + " Allowed here: " + String.join(", ", known));
        }
        return this;
    }

    /** Names of the keys of this mapping, in file order; empty if absent. */
    public List<String> keys() throws ConfigException {
        requireMapping();
        List<String> names = new ArrayList<>();
        if (node != null) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    /** The elements of this sequence, keyed {@code key[0]}, {@code key[1]}, …; empty if absent. */
    public List<ConfigNode> elements() throws ConfigException {
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw error("must be a list (lines starting with '- ')");
        }
        List<ConfigNode> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new ConfigNode(file, key + "[" + i + "]", node.get(i)));
        }
        return out;
    }

    /** A required string. */
    public String text() throws ConfigException {
        if (node == null) {
            throw error("is required");
        }
        if (!node.isTextual()) {
            throw error("must be a string, got " + describe(node) + " (quote it if it looks like a number or true/false)");
        }
        String value = node.textValue();
        if (value.isBlank()) {
            throw error("must not be empty");
        }
        return value;
    }

    /** An optional string; {@code dflt} when absent. */
    public String text(String dflt) throws ConfigException {
        return node == null ? dflt : text();
    }

    /** A string that may be empty ({@code ""} says "none": e.g. no database URL, the embedded one); {@code dflt} when absent. */
    public String textOrEmpty(String dflt) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        if (!node.isTextual()) {
            throw error("must be a string, got " + describe(node) + " (quote it if it looks like a number or true/false)");
        }
        return node.textValue().strip();
    }

    /** A list of strings; {@code dflt} when absent. */
    public List<String> texts(List<String> dflt) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        List<String> out = new ArrayList<>();
        for (ConfigNode element : elements()) {
            out.add(element.text());
        }
        return List.copyOf(out);
    }

    /** A boolean written {@code true} or {@code false}; {@code dflt} when absent. */
    public boolean bool(boolean dflt) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        if (!node.isBoolean()) {
            throw error("must be true or false, got " + describe(node));
        }
        return node.booleanValue();
    }

    /** A whole number in {@code min..max}; {@code dflt} when absent. */
    public int integer(int dflt, int min, int max) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw error("must be a whole number in " + min + ".." + max + ", got " + describe(node));
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw error("must be in " + min + ".." + max + ", got " + value);
        }
        return (int) value;
    }

    /**
     * A size in bytes written as a plain number or with a binary unit ({@code 512KiB},
     * {@code 64MiB}, {@code 2GiB}, {@code 1TiB}), in {@code min..max}; {@code dflt} when absent.
     */
    public long bytes(long dflt, long min, long max) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isTextual()) {
            value = parseSize(node.textValue().strip());
        } else {
            throw error("must be a size such as 64KiB, 512MiB, 2GiB or a number of bytes, got " + describe(node));
        }
        if (value < min || value > max) {
            throw error("must be between " + formatSize(min) + " and " + formatSize(max) + ", got " + formatSize(value));
        }
        return value;
    }

    private long parseSize(String text) throws ConfigException {
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            if (DECIMAL_SIZE.matcher(text).matches()) {
                throw error("'" + text + "' is ambiguous; write binary units KiB, MiB, GiB or TiB (powers of 1024)");
            }
            throw error("'" + text + "' is not a size; write e.g. 64KiB, 512MiB, 2GiB or a number of bytes");
        }
        long multiplier = switch (m.group(2) == null ? "B" : m.group(2)) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("'" + text + "' is too large");
        }
    }

    /** Formats a byte count with the largest binary unit that divides it exactly, e.g. {@code 64KiB}. */
    static String formatSize(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes >= unit && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return bytes + " bytes";
    }

    /**
     * A duration written with a unit ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h},
     * {@code 1d}), in {@code min..max}; {@code dflt} when absent.
     */
    public Duration duration(Duration dflt, Duration min, Duration max) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        if (!node.isTextual()) {
            throw error("must be a duration with a unit such as 30s, 10m or 1h, got " + describe(node));
        }
        String text = node.textValue().strip();
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw error("'" + text + "' is not a duration; write e.g. 500ms, 30s, 10m, 1h or 1d");
        }
        Duration value;
        try {
            long amount = Long.parseLong(m.group(1));
            value = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw error("'" + text + "' is too large");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw error("must be between " + formatDuration(min) + " and " + formatDuration(max) + ", got " + text);
        }
        return value;
    }

    private static String formatDuration(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** A file-system path; {@code dflt} when absent. Not resolved: the caller decides against what. */
    public Path path(Path dflt) throws ConfigException {
        return node == null ? dflt : toPath(this);
    }

    /** A list of file-system paths; {@code dflt} when absent. */
    public List<Path> paths(List<Path> dflt) throws ConfigException {
        if (node == null) {
            return dflt;
        }
        List<Path> out = new ArrayList<>();
        for (ConfigNode element : elements()) {
            out.add(toPath(element));
        }
        return List.copyOf(out);
    }

    private static Path toPath(ConfigNode n) throws ConfigException {
        String text = n.text();
        if (text.indexOf('\0') >= 0) {
            throw n.error("must be a file-system path, not contain a NUL character");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw n.error("'" + text + "' is not a valid path here: " + e.getReason());
        }
    }

    private void requireMapping() throws ConfigException {
        if (node != null && !node.isObject()) {
            throw error("must be a mapping of keys to values, got " + describe(node));
        }
    }

    private String childKey(String name) {
        return key.isEmpty() ? name : key + "." + name;
    }

    private static String describe(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.isTextual() ? "'" + n.textValue() + "'" : n.toString();
    }

    /** The allowed key nearest to a misspelt one, or null when none is plausibly meant. */
    static String nearest(String name, List<String> allowed) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(name)) {
                return candidate;
            }
            int d = editDistance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        // A suggestion further than a few typos away is noise rather than help.
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
