package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.treatyexchange.server.TestDatabase;
import org.treatyexchange.server.store.DelegationRecords.Change;
import org.treatyexchange.server.store.Store;

/**
 * The delegated changes' contract on embedded Derby and on PostgreSQL, for what decides whether a new system account's
 * first key enables it: the changes of one account of one State that were applied or undone, newest first — never a
 * pending or refused one, another account's or another State's.
 */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class DelegationRecordsStoreTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    TestDatabase database;
    Store store;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = database.open(temp.resolve("db"));
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        database.close();
    }

    static int ids;

    static Change change(String state, String action, String target, String status, Instant at) {
        return new Change(String.format("%024x", ++ids), state, "arcadia-officer", action, target, action + " " + target, "{}", status,
                null, null, at, null, null, null);
    }

    java.util.List<Change> appliedOrUndone(String state, String account, int limit) throws Exception {
        return store.read(tx -> tx.delegation().appliedOrUndone(state, account, limit));
    }

    @Test
    void theAppliedOrUndoneChangesOfOneAccountOfOneStateNewestFirst() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Change added = change("ARC", "add-system-account", "arcadia-relay", "applied", t);
        Change pending = change("ARC", "register-ssh-key", "arcadia-relay", "pending", t.plusSeconds(1));
        Change refused = change("ARC", "reinstate", "arcadia-relay", "refused", t.plusSeconds(2));
        Change otherAccount = change("ARC", "suspend", "arcadia-system", "applied", t.plusSeconds(3));
        Change otherState = change("BOR", "suspend", "arcadia-relay", "applied", t.plusSeconds(4));
        store.inTransaction(tx -> {
            for (Change c : new Change[] {added, pending, refused, otherAccount, otherState}) {
                tx.delegation().insert(c);
            }
            return null;
        });
        assertThat(appliedOrUndone("ARC", "arcadia-relay", 2)).extracting(Change::id)
                .containsExactly(added.id());

        Change suspended = change("ARC", "suspend", "arcadia-relay", "applied", t.plusSeconds(5));
        store.inTransaction(tx -> {
            tx.delegation().insert(suspended);
            return tx.delegation().undo(suspended.id(), "secretariat-admin", t.plusSeconds(6));
        });
        assertThat(appliedOrUndone("ARC", "arcadia-relay", 2)).extracting(Change::id)
                .containsExactly(suspended.id(), added.id());
        assertThat(appliedOrUndone("ARC", "arcadia-relay", 1)).extracting(Change::id)
                .containsExactly(suspended.id());
        assertThat(appliedOrUndone("ARC", "arcadia-nobody", 2)).isEmpty();
    }
}
