package org.treatyexchange.server.recovery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a receipt is backed by data on stable storage. By default it is: every document is forced
 * to disk (file and directory) before its record commits, and the database forces its log on every
 * commit, so a State never holds a receipt for something a power cut can take away. Either can be
 * weakened only explicitly — {@code storage.fsync: false} in {@code server.yaml}, the JVM property
 * {@code derby.system.durability=test}, or a PostgreSQL server run with {@code fsync} or
 * {@code synchronous_commit} off — and then every start says so at ERROR level and in the audit log
 * ({@code server.started}, detail {@code durability}).
 */
public final class Durability {

    private static final Logger LOG = LoggerFactory.getLogger(Durability.class);

    private Durability() {
    }

    /** Logs loudly when durability is weakened; returns the word the audit log records. */
    public static String check(boolean documentFsync, java.util.Optional<String> databaseWeakness) {
        boolean databaseSync = databaseWeakness.isEmpty();
        if (documentFsync && databaseSync) {
            return "fsync";
        }
        String what = (documentFsync ? "" : "storage.fsync is false (documents are not forced to disk)")
                + (!documentFsync && !databaseSync ? "; " : "")
                + databaseWeakness.orElse("");
        LOG.error("DURABILITY WEAKENED: {}. A power failure or OS crash can lose filings that were already acknowledged "
                + "with a signed receipt. Never run a production server like this.", what);
        return "WEAKENED: " + what;
    }
}
