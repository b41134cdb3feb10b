package org.treatyexchange.server.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
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
import org.treatyexchange.server.store.PortalRecords.Session;
import org.treatyexchange.server.store.PortalRecords.TotpSecret;
import org.treatyexchange.server.store.Store;

/** The portal's sessions and TOTP rows (V9), on embedded Derby and on a real PostgreSQL server. */
@ParameterizedClass
@EnumSource(TestDatabase.Kind.class)
class JdbcPortalRecordsTest {

    @Parameter
    TestDatabase.Kind kind;

    @TempDir
    Path temp;
    TestDatabase database;
    Store store;

    static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(kind);
        store = database.open(temp.resolve("data").resolve("db"));
    }

    @AfterEach
    void close() throws Exception {
        if (store != null) {
            store.close();
        }
        database.close();
    }

    java.util.Optional<Session> session(String idHash) throws Exception {
        return store.read(tx -> tx.portal().session(idHash));
    }

    boolean delete(String idHash) throws Exception {
        return store.inTransaction(tx -> tx.portal().deleteSession(idHash));
    }

    boolean use(String account, long step, Instant at) throws Exception {
        return store.inTransaction(tx -> tx.portal().useStep(account, step, at));
    }

    java.util.Optional<TotpSecret> totp(String account) throws Exception {
        return store.read(tx -> tx.portal().totp(account));
    }

    @Test
    void sessionsAreStoredTouchedDeletedAndExpired() throws Exception {
        Session a = new Session("a".repeat(64), "arcadia-officer", "signed-in", "password+totp", "127.0.0.1", T0, T0);
        Session b = new Session("b".repeat(64), "secretariat", "second-factor", "password", "127.0.0.2", T0.minus(Duration.ofHours(9)),
                T0);
        store.inTransaction(tx -> {
            tx.portal().insertSession(a);
            tx.portal().insertSession(b);
            return null;
        });
        assertThat(session(a.idHash())).contains(a);
        Instant later = T0.plus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.MILLIS);
        store.inTransaction(tx -> {
            tx.portal().touchSession(a.idHash(), later);
            return null;
        });
        assertThat(session(a.idHash()).orElseThrow().lastSeenAt()).isEqualTo(later);
        // b is older than the absolute limit: it goes, a stays
        int gone = store.<Integer>inTransaction(tx -> tx.portal().deleteExpiredSessions(T0.minus(Duration.ofMinutes(15)),
                T0.minus(Duration.ofHours(8))));
        assertThat(gone).isEqualTo(1);
        assertThat(session(b.idHash())).isEmpty();
        assertThat(delete(a.idHash())).isTrue();
        assertThat(delete(a.idHash())).isFalse();
        assertThat(session(a.idHash())).isEmpty();
    }

    @Test
    void aTotpStepIsUsedOnceAndNeverAnEarlierOne() throws Exception {
        byte[] sealed = {1, 2, 3, 4, 5};
        store.inTransaction(tx -> {
            tx.portal().putTotp(new TotpSecret("arcadia-officer", "mk-1", sealed, false, -1, T0));
            return null;
        });
        TotpSecret read = totp("arcadia-officer").orElseThrow();
        assertThat(read.sealedSecret()).isEqualTo(sealed);
        assertThat(read.confirmed()).isFalse();
        assertThat(read.lastStep()).isEqualTo(-1);

        assertThat(use("arcadia-officer", 1000, T0)).isTrue();
        assertThat(use("arcadia-officer", 1000, T0)).as("the same step again").isFalse();
        assertThat(use("arcadia-officer", 999, T0)).as("an earlier step").isFalse();
        assertThat(use("arcadia-officer", 1001, T0)).isTrue();
        assertThat(use("nobody", 5, T0)).isFalse();
        TotpSecret used = totp("arcadia-officer").orElseThrow();
        assertThat(used.confirmed()).isTrue();
        assertThat(used.lastStep()).isEqualTo(1001);

        // a new secret replaces the old row whole
        store.inTransaction(tx -> {
            tx.portal().putTotp(new TotpSecret("arcadia-officer", "mk-2", new byte[] {9}, false, -1, T0));
            return null;
        });
        TotpSecret replaced = totp("arcadia-officer").orElseThrow();
        assertThat(replaced.masterKeyId()).isEqualTo("mk-2");
        assertThat(replaced.lastStep()).isEqualTo(-1);
    }
}
