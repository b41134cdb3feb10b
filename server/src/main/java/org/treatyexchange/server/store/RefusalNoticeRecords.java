package org.treatyexchange.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Notices of refused uploads, each readable by its State until it expires. */
public interface RefusalNoticeRecords {

    /**
     * One refused upload: {@code fileName} is the notice's own name in the State's tree (unique per
     * State), {@code target} where the upload went, {@code reason} the refusal's code, {@code message} its
     * safe text.
     */
    record Notice(String state, String fileName, String account, String channel, String target, String reason, String message,
            long bytesReceived, Instant refusedAt, Instant expiresAt) {
    }

    /** Stores a notice; DUPLICATE when the State already has one of that file name. */
    void insert(Notice notice) throws StoreException;

    /** The State's notices not expired at {@code now}, oldest first. */
    List<Notice> ofState(String state, Instant now) throws StoreException;

    /** One of the State's notices by file name, unless expired at {@code now}. */
    Optional<Notice> find(String state, String fileName, Instant now) throws StoreException;

    /** Removes every notice expired at {@code now}; returns how many. */
    int removeExpired(Instant now) throws StoreException;
}
