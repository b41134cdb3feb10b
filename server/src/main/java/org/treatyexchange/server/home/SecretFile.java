package org.treatyexchange.server.home;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * A secret the server reads from a file named by an environment variable, never from configuration, a
 * URL or the command line, where backups, version control and every local user's process list would
 * show it. The file must not be readable or writable by other users.
 */
public final class SecretFile {

    private SecretFile() {
    }

    /**
     * @param env     the process environment
     * @param fileEnv name of the variable holding the path of the file
     * @param what    what the file is, for messages ("the database password file")
     * @param fix     what the file must hold, for the message when it cannot be read
     * @return the file's text without surrounding white space, or null when the variable is not set
     * @throws HomeException naming the variable and the fix when the file is unreadable, empty or open to other users
     */
    public static String read(Map<String, String> env, String fileEnv, String what, String fix) throws HomeException {
        String name = env.get(fileEnv);
        if (name == null || name.isEmpty()) {
            return null;
        }
        Path file = Path.of(name);
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
            if (view != null) {
                Set<PosixFilePermission> perms = view.readAttributes().permissions();
                if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)
                        || perms.contains(PosixFilePermission.GROUP_WRITE)) {
                    throw new HomeException(what + " named by " + fileEnv + " can be read or changed by other users; chmod 600 it");
                }
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new HomeException(what + " named by " + fileEnv + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new HomeException(what + " named by " + fileEnv + " could not be read; set " + fileEnv + " to the path of a file (mode 600) "
                    + fix);
        }
    }
}
