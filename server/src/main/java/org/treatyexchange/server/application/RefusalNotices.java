package org.treatyexchange.server.application;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.store.RefusalNoticeRecords;
import org.treatyexchange.server.store.Store;
import org.treatyexchange.server.store.StoreException;

/**
 * Keeps a notice of every refused upload for the State that made it, for {@code retention}: stock
 * clients such as OpenSSH's {@code sftp} print only their own word for a status, so the reason must be
 * readable elsewhere. Writing one purges the expired ones (no timer: any node may do it). A notice that
 * cannot be written is logged and never changes the refusal itself.
 */
public final class RefusalNotices {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalNotices.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int MAX_TEXT = 1000;
    private static final int MAX_NAME_PART = 80;
    private static final int ATTEMPTS = 3;

    private final Store store;
    private final Clock clock;
    private final Duration retention;
    private final SecureRandom random = new SecureRandom();

    public RefusalNotices(Store store, Clock clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    /** Where an upload into a drop folder went, as the State's SFTP tree names it. */
    static String target(String reportType, ConfidentialityLevel level, String name) {
        return readable("/submit/" + reportType + "/" + (level == null ? "" : level.wireName() + "/") + name);
    }

    /** Leaves a notice of {@code refusal} for the caller's State; nothing for a caller without one. */
    void note(Caller caller, String target, Refusal refusal, long bytesReceived) {
        if (caller.state() == null || caller.isSecretariat()) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            RefusalNoticeRecords.Notice notice = new RefusalNoticeRecords.Notice(caller.state(), fileName(now, target), caller.account(),
                    caller.channel().wireName(), clip(target), refusal.code(), clip(readable(refusal.getMessage())), bytesReceived, now,
                    now.plus(retention));
            try {
                store.inTransaction(tx -> {
                    tx.refusalNotices().removeExpired(now);
                    tx.refusalNotices().insert(notice);
                    return null;
                });
                return;
            } catch (StoreException e) {
                if (e.reason() != StoreException.Reason.DUPLICATE) {
                    LOG.warn("account={} the notice of a refused upload ({}) could not be kept: {}", caller.account(), refusal.code(),
                            e.getMessage());
                    return;
                }
            }
        }
    }

    List<RefusalNotice> of(String state) throws Refusal {
        Instant now = clock.instant();
        return StoreCalls.read(store, tx -> tx.refusalNotices().ofState(state, now)).stream().map(RefusalNotice::of).toList();
    }

    Optional<RefusalNotice> find(String state, String fileName) throws Refusal {
        Instant now = clock.instant();
        return StoreCalls.read(store, tx -> tx.refusalNotices().find(state, fileName, now)).map(RefusalNotice::of);
    }

    /** {@code <refused-at>-<random tag>-<the document's name, made safe>.txt}: sorts by time, unique per State. */
    private String fileName(Instant at, String target) {
        String name = target.substring(target.lastIndexOf('/') + 1);
        StringBuilder safe = new StringBuilder();
        for (int i = 0; i < name.length() && safe.length() < MAX_NAME_PART; i++) {
            char c = name.charAt(i);
            safe.append(c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_') ? c : '_');
        }
        byte[] tag = new byte[3];
        random.nextBytes(tag);
        return STAMP.format(at) + "-" + HexFormat.of().formatHex(tag) + "-" + (safe.isEmpty() ? "upload" : safe) + ".txt";
    }

    /** The text with every invisible or control character written as {@code <U+XXXX>}, so a person sees what was refused. */
    static String readable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            boolean hidden = Character.isISOControl(cp) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED;
            if (hidden) {
                b.append(String.format(java.util.Locale.ROOT, "<U+%04X>", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }

    private static String clip(String s) {
        if (s.length() <= MAX_TEXT) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return s.substring(0, end) + "…";
    }
}
