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
            int items = 0;
            int found = -1;
            int j = i + 1;
            for (; j < lines.size(); j++) {
                String item = lines.get(j);
                if (item.isBlank() || item.strip().startsWith("#")) {
                    continue;
                }
                if (indentation(item) <= property.length() && !item.strip().startsWith("- ")) {
                    break;
                }
                if (indentation(item) < property.length() || !item.strip().startsWith("- ")) {
                    break;
                }
                items++;
                if (found < 0 && isTheKey.test(scalar(item.strip().substring(2).strip()))) {
                    found = j;
                }
            }
            if (found >= 0) {
                lines.remove(found);
                if (items == 1) {
                    lines.set(i, property + "sshKeys: []");
                }
                return String.join("\n", lines);
            }
        }
        throw new IllegalArgumentException("that key is not an entry of the account's sshKeys list in the registry file (the demo "
                + "key, or a form this does not edit); edit the registry file by hand and run reload-registry");
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
