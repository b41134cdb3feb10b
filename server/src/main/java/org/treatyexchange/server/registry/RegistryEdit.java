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
                if (rest.equals("[]")) {
                    lines.set(i, property + field + ":");
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
