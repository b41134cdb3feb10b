package org.treatyexchange.server.home;

import java.util.Map;

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
        String text = SecretFile.read(env, fileEnv, "the database password file", "that holds the password of store.database.user");
        return text == null ? null : text.toCharArray();
    }
}
