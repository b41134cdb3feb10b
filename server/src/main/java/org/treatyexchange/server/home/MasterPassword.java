package org.treatyexchange.server.home;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the password of the master and receipt keystores: from an environment variable, or from a file
 * named by another environment variable — never from the command line, where every local user can read
 * it in the process list. The demo, and only the demo, may generate one into the home.
 */
public final class MasterPassword {

    private static final Logger LOG = LoggerFactory.getLogger(MasterPassword.class);
    static final String DEMO_PASSWORD_FILE = "demo-master-password";

    private MasterPassword() {
    }

    /**
     * @param env           the process environment
     * @param passwordEnv   name of the variable holding the password
     * @param fileEnv       name of the variable holding the path of a file with the password
     * @param home          the data directory (for the demo's generated password)
     * @param demoAllowed   whether a missing password may be generated for the demo
     */
    public static char[] resolve(Map<String, String> env, String passwordEnv, String fileEnv, ExchangeHome home,
            boolean demoAllowed) throws HomeException {
        String direct = env.get(passwordEnv);
        if (direct != null && !direct.isEmpty()) {
            return direct.toCharArray();
        }
        String file = env.get(fileEnv);
        if (file != null && !file.isEmpty()) {
            return readFile(Path.of(file), fileEnv);
        }
        Path demoFile = home.keyDir().resolve(DEMO_PASSWORD_FILE);
        if (Files.exists(demoFile, LinkOption.NOFOLLOW_LINKS)) {
            if (!demoAllowed) {
                throw new HomeException("the keystore password is in " + demoFile + ", which only the demo may use; move it out of the data "
                        + "directory and set " + fileEnv + " to its new path");
            }
            return readFile(demoFile, "the demo password file");
        }
        if (!demoAllowed) {
            throw new HomeException("no keystore password: set " + passwordEnv + ", or " + fileEnv + " to a file that holds it");
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        char[] generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random).toCharArray();
        try {
            Files.writeString(demoFile, new String(generated), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            PosixFileAttributeView view = Files.getFileAttributeView(demoFile, PosixFileAttributeView.class);
            if (view != null) {
                view.setPermissions(PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new HomeException("could not write the demo keystore password: " + e.getMessage());
        }
        LOG.warn("demo: generated a keystore password in {} — for production keep it outside the data directory and set {}",
                demoFile, fileEnv);
        return generated;
    }

    private static char[] readFile(Path file, String what) throws HomeException {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null) {
                Set<PosixFilePermission> perms = view.readAttributes().permissions();
                if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                    throw new HomeException("the keystore password file named by " + what + " is readable by other users; chmod 600 it");
                }
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new HomeException("the keystore password file named by " + what + " is empty");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw new HomeException("the keystore password file named by " + what + " could not be read");
        }
    }
}
