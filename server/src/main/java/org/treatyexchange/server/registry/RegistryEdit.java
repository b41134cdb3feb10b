package org.treatyexchange.server.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Adds keys to one account of the registry file as text, so that the secretariat's comments and layout
 * survive: each value is inserted as a double-quoted YAML scalar at the head of the account's
 * {@code sshKeys} or {@code certificates} block list, or as a new list at the end of the account. Forms it
 * does not edit safely (a non-empty flow list such as {@code sshKeys: [ … ]}) are refused with a message
 * saying to edit the file by hand. The result is validated by the caller before it replaces the file.
 */
final class RegistryEdit {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryEdit() {
    }

    /** The registry text with {@code sshKeys} and {@code certificates} entries added to {@code account}. */
    static String addKeys(String yaml, String account, List<String> sshKeyLines, List<String> certificatePems, String note) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = accountLine(lines, account);
        int dash = lines.get(start).indexOf('-');
        String property = " ".repeat(dash + 2);
        if (!certificatePems.isEmpty()) {
            List<String> items = new ArrayList<>();
            certificatePems.forEach(pem -> items.add("pem: " + quoted(pem)));
            add(lines, start, dash, property, "certificates", items, note);
        }
        if (!sshKeyLines.isEmpty()) {
            List<String> items = new ArrayList<>();
            sshKeyLines.forEach(k -> items.add(quoted(k.strip())));
            add(lines, start, dash, property, "sshKeys", items, note);
        }
        return String.join("\n", lines);
    }

    /** The line {@code - name: <account>} in the top-level {@code accounts} list. */
    private static int accountLine(List<String> lines, String account) {
        Pattern name = Pattern.compile("^\\s*-\\s+name:\\s*[\"']?" + Pattern.quote(account) + "[\"']?\\s*(#.*)?$");
        boolean inAccounts = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#")) {
                inAccounts = line.startsWith("accounts:");
            } else if (inAccounts && name.matcher(line).matches()) {
                return i;
            }
        }
        throw new IllegalArgumentException("account '" + account + "' is not in the registry file's accounts");
    }

    private static void add(List<String> lines, int start, int dash, String property, String field, List<String> items, String note) {
        int end = start + 1; // first line after the account's block
        int lastContent = start;
        for (; end < lines.size(); end++) {
            String l = lines.get(end);
            if (l.isBlank() || l.strip().startsWith("#")) {
                continue;
            }
            if (indentation(l) <= dash) {
                break;
            }
            lastContent = end;
        }
        for (int i = start + 1; i <= lastContent; i++) {
            String l = lines.get(i);
            if (indentation(l) == property.length() && l.strip().startsWith(field + ":")) {
                String rest = l.strip().substring(field.length() + 1).strip();
                if (rest.startsWith("#")) {
                    rest = "";
                }
                List<String> flowItems = flowItems(rest);
                if (flowItems != null) {
                    // a flow list of plain values (e.g. revokedCertificates: [3f9a…]) becomes a block list, values kept
                    lines.set(i, property + field + ":");
                    List<String> kept = new ArrayList<>();
                    flowItems.forEach(x -> kept.add(property + "  - " + x));
                    lines.addAll(i + 1, kept);
                    lastContent += kept.size();
                } else if (!rest.isEmpty()) {
                    throw new IllegalArgumentException("account's " + field + " is written in a form this command does not edit; "
                            + "add the entry to the registry file by hand and run reload-registry");
                }
                String itemIndent = property + "  ";
                for (int j = i + 1; j <= lastContent; j++) {
                    String next = lines.get(j);
                    if (!next.isBlank() && !next.strip().startsWith("#")) {
                        if (next.strip().startsWith("- ")) {
                            itemIndent = " ".repeat(indentation(next));
                        }
                        break;
                    }
                }
                lines.addAll(i + 1, entries(itemIndent, items, note));
                return;
            }
        }
        List<String> block = new ArrayList<>();
        block.add(property + field + ":");
        block.addAll(entries(property + "  ", items, note));
        lines.addAll(lastContent + 1, block);
    }

    /** The values of a flow list without quotes ({@code []}, {@code [a, b]}); null for anything else. */
    private static List<String> flowItems(String rest) {
        if (!rest.startsWith("[") || !rest.endsWith("]") || rest.contains("\"") || rest.contains("'") || rest.contains("#")
                || rest.indexOf('[', 1) >= 0 || rest.indexOf(']') != rest.length() - 1) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String item : rest.substring(1, rest.length() - 1).split(",")) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
        return out;
    }

    /** The registry text with {@code fingerprint} added to {@code account}'s {@code revokedCertificates}. */
    static String revokeCertificate(String yaml, String account, String fingerprint, String note) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = accountLine(lines, account);
        int dash = lines.get(start).indexOf('-');
        add(lines, start, dash, " ".repeat(dash + 2), "revokedCertificates", List.of(quoted(fingerprint)), note);
        return String.join("\n", lines);
    }

    /**
     * The registry text without the entry of {@code account}'s {@code sshKeys} block list for which
     * {@code isTheKey} holds (given the key line as written); an emptied list becomes {@code sshKeys: []}.
     *
     * @throws IllegalArgumentException when no entry of a block list is that key (the demo key, or a form this does not edit)
     */
    static String removeSshKey(String yaml, String account, java.util.function.Predicate<String> isTheKey) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = accountLine(lines, account);
        int dash = lines.get(start).indexOf('-');
        String property = " ".repeat(dash + 2);
        for (int i = start + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.strip().startsWith("#") && indentation(l) <= dash) {
                break; // the next account
            }
            if (indentation(l) != property.length() || !l.strip().startsWith("sshKeys:")) {
                continue;
            }
            if (removeBlockItem(lines, i, lines.size() - 1, property.length(), property + "sshKeys: []", isTheKey)) {
                return String.join("\n", lines);
            }
        }
        throw new IllegalArgumentException("that key is not an entry of the account's sshKeys list in the registry file (the demo "
                + "key, or a form this does not edit); edit the registry file by hand and run reload-registry");
    }

    /**
     * The registry text with a new account appended to the top-level {@code accounts} list: {@code name},
     * {@code state}, {@code role} and the given {@code extra} properties (already YAML scalars), under a comment.
     */
    static String addAccount(String yaml, String name, String state, String role, List<String[]> extra, String note) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int accounts = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("accounts:")) {
                accounts = i;
                break;
            }
        }
        if (accounts < 0 || !lines.get(accounts).strip().equals("accounts:")) {
            throw new IllegalArgumentException("the registry file has no block list of accounts; add the account by hand");
        }
        int lastContent = accounts;
        String dashIndent = "  ";
        boolean sawItem = false;
        for (int i = accounts + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.strip().startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(l.charAt(0))) {
                break;
            }
            if (!sawItem && l.strip().startsWith("- ")) {
                dashIndent = " ".repeat(indentation(l));
                sawItem = true;
            }
            lastContent = i;
        }
        String property = dashIndent + "  ";
        List<String> block = new ArrayList<>();
        block.add("");
        block.add(dashIndent + "# " + note);
        block.add(dashIndent + "- name: " + quoted(name));
        block.add(property + "state: " + quoted(state));
        block.add(property + "role: " + role);
        extra.forEach(kv -> block.add(property + kv[0] + ": " + kv[1]));
        lines.addAll(lastContent + 1, block);
        return String.join("\n", lines);
    }

    /** The registry text with {@code account}'s plain property {@code key} set to {@code value} (a YAML scalar), added when absent. */
    static String setProperty(String yaml, String account, String key, String value) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = accountLine(lines, account);
        int dash = lines.get(start).indexOf('-');
        String property = " ".repeat(dash + 2);
        int lastContent = blockEnd(lines, start, dash);
        for (int i = start + 1; i <= lastContent; i++) {
            String l = lines.get(i);
            if (indentation(l) == property.length() && l.strip().startsWith(key + ":")) {
                lines.set(i, property + key + ": " + value);
                return String.join("\n", lines);
            }
        }
        lines.add(lastContent + 1, property + key + ": " + value);
        return String.join("\n", lines);
    }

    /** The lines of {@code account}'s block (from its {@code - name:} line to its last property), as written. */
    static String accountBlock(String yaml, String account) {
        List<String> lines = Arrays.asList(yaml.split("\n", -1));
        int start = accountLine(lines, account);
        int end = blockEnd(lines, start, lines.get(start).indexOf('-'));
        return String.join("\n", lines.subList(start, end + 1));
    }

    /** The registry text without {@code account}'s block. */
    static String removeAccount(String yaml, String account) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = accountLine(lines, account);
        int end = blockEnd(lines, start, lines.get(start).indexOf('-'));
        lines.subList(start, end + 1).clear();
        return String.join("\n", lines);
    }

    /** The registry text with a block written by {@link #accountBlock} appended to the accounts, under a comment. */
    static String restoreAccount(String yaml, String block, String note) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int accounts = lines.indexOf("accounts:");
        if (accounts < 0) {
            throw new IllegalArgumentException("the registry file has no block list of accounts; restore the account by hand");
        }
        int lastContent = accounts;
        for (int i = accounts + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.strip().startsWith("#") && !Character.isWhitespace(l.charAt(0))) {
                break;
            }
            if (!l.isBlank() && !l.strip().startsWith("#")) {
                lastContent = i;
            }
        }
        List<String> restored = new ArrayList<>();
        restored.add("");
        String first = block.split("\n", -1)[0];
        restored.add(" ".repeat(indentation(first)) + "# " + note);
        restored.addAll(Arrays.asList(block.split("\n", -1)));
        lines.addAll(lastContent + 1, restored);
        return String.join("\n", lines);
    }

    /**
     * The registry text without the entry {@code fingerprint} of {@code account}'s {@code revokedCertificates} list (an undone
     * revocation); an emptied list becomes {@code revokedCertificates: []}.
     */
    static String unrevokeCertificate(String yaml, String account, String fingerprint) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = accountLine(lines, account);
        int dash = lines.get(start).indexOf('-');
        String property = " ".repeat(dash + 2);
        int end = blockEnd(lines, start, dash);
        for (int i = start + 1; i <= end; i++) {
            String l = lines.get(i);
            if (indentation(l) != property.length() || !l.strip().startsWith("revokedCertificates:")) {
                continue;
            }
            String rest = l.strip().substring("revokedCertificates:".length()).strip();
            List<String> flow = flowItems(rest);
            if (flow != null && !flow.isEmpty()) {
                List<String> kept = new ArrayList<>(flow);
                if (!kept.remove(fingerprint)) {
                    break;
                }
                lines.set(i, property + "revokedCertificates: [" + String.join(", ", kept) + "]");
                return String.join("\n", lines);
            }
            if (removeBlockItem(lines, i, end, property.length(), property + "revokedCertificates: []", fingerprint::equals)) {
                return String.join("\n", lines);
            }
        }
        throw new IllegalArgumentException("the revocation of " + fingerprint + " is not an entry of the account's revokedCertificates "
                + "list in the registry file; edit the file by hand and run reload-registry");
    }

    /**
     * Removes the first item, for whose scalar {@code isTheItem} holds, of the block list under the property on line
     * {@code at} (items from the next line up to line {@code last}, each {@code - } indented at least {@code indent});
     * a list left empty becomes the line {@code emptied}. Returns whether an item was removed.
     */
    private static boolean removeBlockItem(List<String> lines, int at, int last, int indent, String emptied,
            java.util.function.Predicate<String> isTheItem) {
        int items = 0;
        int found = -1;
        for (int j = at + 1; j <= last; j++) {
            String item = lines.get(j);
            if (item.isBlank() || item.strip().startsWith("#")) {
                continue;
            }
            if (indentation(item) < indent || !item.strip().startsWith("- ")) {
                break;
            }
            items++;
            if (found < 0 && isTheItem.test(scalar(item.strip().substring(2).strip()))) {
                found = j;
            }
        }
        if (found < 0) {
            return false;
        }
        lines.remove(found);
        if (items == 1) {
            lines.set(at, emptied);
        }
        return true;
    }

    /** The last line with content of the account block starting at {@code start} (whose dash is at column {@code dash}). */
    private static int blockEnd(List<String> lines, int start, int dash) {
        int lastContent = start;
        for (int end = start + 1; end < lines.size(); end++) {
            String l = lines.get(end);
            if (l.isBlank() || l.strip().startsWith("#")) {
                continue;
            }
            if (indentation(l) <= dash) {
                break;
            }
            lastContent = end;
        }
        return lastContent;
    }

    /** A YAML double-quoted scalar, for values written by the edits above. */
    static String yamlString(String s) {
        return quoted(s);
    }

    /** A YAML scalar as written on one line: double-quoted (JSON syntax), single-quoted, or plain. */
    private static String scalar(String written) {
        try {
            if (written.startsWith("\"")) {
                return JSON.readValue(written, String.class);
            }
        } catch (JsonProcessingException e) {
            return written;
        }
        if (written.startsWith("'") && written.endsWith("'") && written.length() >= 2) {
            return written.substring(1, written.length() - 1).replace("''", "'");
        }
        return written;
    }

    private static List<String> entries(String indent, List<String> items, String note) {
        List<String> out = new ArrayList<>();
        out.add(indent + "# " + note);
        items.forEach(item -> out.add(indent + "- " + item));
        return out;
    }

    private static int indentation(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** A YAML double-quoted scalar (JSON string syntax is a subset). */
    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a string could not be quoted", e);
        }
    }
}
