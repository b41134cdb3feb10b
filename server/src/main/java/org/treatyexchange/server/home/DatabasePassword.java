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
 * The password of the PostgreSQL role: only ever from a file named by an environment variable
 * ({@code EXCHANGE_DATABASE_PASSWORD_FILE}), never from configuration, a URL or the command line, where
 * backups, version control and every local user's process list would show it.
 */
public final class DatabasePassword {

    private DatabasePassword() {
    }

    /**
     * @param env     the process environment
     * @param fileEnv name of the variable holding the path of the password file
     * @return the password, or null when the variable is not set (the server then logs in without one,
     *     e.g. to a database that trusts the local host)
     * @throws HomeException naming the variable and the fix when the file is unreadable, empty or readable
     *     by other users
     */
    public static char[] resolve(Map<String, String> env, String fileEnv) throws HomeException {
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
                    throw new HomeException("the database password file named by " + fileEnv
                            + " can be read or changed by other users; chmod 600 it");
                }
            }
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new HomeException("the database password file named by " + fileEnv + " is empty");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw new HomeException("the database password file named by " + fileEnv + " could not be read; set " + fileEnv
                    + " to the path of a file (mode 600) that holds the password of store.database.user");
        }
    }
}
