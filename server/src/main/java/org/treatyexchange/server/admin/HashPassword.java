package org.treatyexchange.server.admin;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.treatyexchange.server.crypto.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * Prints the Argon2id hash of a password for an account's {@code passwordHash} in the registry. Pure
 * computation, so no server is needed. The password never comes from the command line (where other
 * users and shell histories would see it): it is read from a no-echo console prompt, twice, or else
 * from the first line of standard input.
 */
@Command(name = "hash-password", description = "Read a password (no-echo prompt, or the first line of stdin) and "
        + "print its Argon2id hash for passwordHash in config/registry.yaml. Needs no running server.")
final class HashPassword implements Callable<Integer> {

    static final int MIN_LENGTH = 12;

    @ParentCommand
    AdminCli parent;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = parent.spec.commandLine().getOut();
        PrintWriter err = parent.spec.commandLine().getErr();
        Console console = parent.in == System.in ? System.console() : null;
        char[] password = console != null ? fromConsole(console, err) : firstLine(parent.in);
        if (password == null) {
            return AdminCli.REFUSED;
        }
        try {
            if (password.length < MIN_LENGTH) {
                err.println("refused: a password needs at least " + MIN_LENGTH + " characters");
                return AdminCli.REFUSED;
            }
            out.println(PasswordHash.create(password).encoded());
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static char[] fromConsole(Console console, PrintWriter err) {
        char[] first = console.readPassword("Password: ");
        char[] second = first == null ? null : console.readPassword("Again: ");
        try {
            if (first == null || second == null || !Arrays.equals(first, second)) {
                err.println("refused: the two passwords differ");
                return null;
            }
            return first.clone();
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (second != null) {
                Arrays.fill(second, '\0');
            }
        }
    }

    /** The first line, without its line ending; empty when there is none. */
    private static char[] firstLine(java.io.InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = reader.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        char[] password = new char[line.length()];
        line.getChars(0, line.length(), password, 0);
        line.setLength(0);
        return password;
    }
}
