package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.registry.Account;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.TestKeys;
import org.treatyexchange.server.store.Store;

/**
 * Nodes sharing one PostgreSQL database share one registry: what one node publishes, every other node
 * uses from its next authentication on, without a reload of its own; a registry it cannot trust stops it
 * from authenticating anyone.
 */
class SharedRegistryTest {

    static final Set<String> REPORT_TYPES = Set.of("annual-report", "national-report");

    @TempDir
    Path dir;
    TestDatabase database;
    Store store;
    PublicKey officerKey;
    PublicKey secretariatKey;

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        store = database.open(null);
        officerKey = TestKeys.ed25519().getPublic();
        secretariatKey = TestKeys.ed25519().getPublic();
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        database.close();
    }

    private Path registryFile(String name, boolean officerDisabled, String padding) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                # %s
                states:
                  - code: ARC
                    name: Arcadia
                    status: state-party
                    instructions: {}
                    contacts: []
                accounts:
                  - name: secretariat
                    role: secretariat
                    sshKeys:
                      - "%s"
                  - name: arcadia-officer
                    state: ARC
                    role: state-officer
                    disabled: %s
                    sshKeys:
                      - "%s"
                """.formatted(padding, TestKeys.line(secretariatKey, "sec"), officerDisabled, TestKeys.line(officerKey, "officer")));
        return file;
    }

    private RegistryService node(Path file) throws Exception {
        return new RegistryService(file, REPORT_TYPES, null, new DatabaseRegistry(store, Clock.systemUTC()));
    }

    private static boolean enabled(RegistryService registry, String account) {
        return registry.fresh().account(account).filter(a -> !a.disabled()).isPresent();
    }

    @Test
    void theFirstNodeImportsItsFileAndALaterNodeUsesThePublishedRegistryNotItsOwnFile() throws Exception {
        RegistryService first = node(registryFile("first.yaml", false, "first"));
        RegistryService second = node(registryFile("second.yaml", true, "second (stale)"));

        assertThat(enabled(first, "arcadia-officer")).isTrue();
        assertThat(enabled(second, "arcadia-officer")).as("the published registry, not the node's differing file").isTrue();
    }

    @Test
    void anAccountDisabledThroughOneNodeIsRefusedByTheOtherFromItsNextAuthenticationWithoutAReloadThere() throws Exception {
        Path firstFile = registryFile("first.yaml", false, "v1");
        RegistryService first = node(firstFile);
        RegistryService second = node(registryFile("second.yaml", false, "v1"));
        assertThat(enabled(second, "arcadia-officer")).isTrue();

        registryFile("first.yaml", true, "v2");
        first.reload();

        assertThat(enabled(second, "arcadia-officer")).as("node 2, no reload of its own").isFalse();
        assertThat(enabled(first, "arcadia-officer")).isFalse();
        assertThat(second.fresh().accounts()).extracting(Account::name).containsExactly("secretariat", "arcadia-officer");
    }

    @Test
    void aRegistryLongerThanOneChunkWithCharactersOutsideTheBasicPlaneTravelsExactly() throws Exception {
        // 8000-char chunks: put a surrogate pair across every boundary the split could cut
        StringBuilder padding = new StringBuilder();
        while (padding.length() < 30_000) {
            padding.append("Ωé\uD83D\uDCC4 ");
        }
        RegistryService first = node(registryFile("first.yaml", false, padding.toString()));
        Path secondFile = registryFile("second.yaml", true, "other");
        node(secondFile);

        try (Connection c = database.connect(null); Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT COUNT(*) FROM registry_chunk WHERE generation = 1")) {
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThan(3);
        }
        String published = new DatabaseRegistry(store, Clock.systemUTC()).newest().orElseThrow().text();
        assertThat(published).isEqualTo(Files.readString(dir.resolve("first.yaml")));
        assertThat(enabled(first, "arcadia-officer")).isTrue();
    }

    @Test
    void aPublishedRegistryThatNoLongerMatchesItsDigestStopsEveryAuthenticationOnTheNodeInsteadOfBeingUsed() throws Exception {
        RegistryService first = node(registryFile("first.yaml", false, "v1"));
        registryFile("first.yaml", true, "v2");
        first.reload();
        RegistryService second = node(registryFile("second.yaml", false, "v1"));
        assertThat(enabled(second, "arcadia-officer")).isFalse();

        registryFile("first.yaml", false, "v3");
        first.reload();
        try (Connection c = database.connect(null); Statement st = c.createStatement()) {
            // an edit behind the nodes' back, without the digest
            st.executeUpdate("UPDATE registry_chunk SET content = REPLACE(content, 'disabled: false', 'disabled: true') WHERE generation = 3");
        }

        assertThatThrownBy(second::fresh).isInstanceOf(IllegalStateException.class).hasMessageContaining("shared registry");
    }

    @Test
    void twoNodesChangingTheRegistryAtTheSameMomentBothKeepTheirChangesForEveryRound() throws Exception {
        RegistryService first = node(registryFile("first.yaml", false, "v1"));
        RegistryService second = node(registryFile("second.yaml", false, "v1"));
        int rounds = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                String one = TestKeys.line(TestKeys.ed25519().getPublic(), "one-" + round);
                String two = TestKeys.line(TestKeys.ed25519().getPublic(), "two-" + round);
                var a = pool.submit(() -> {
                    start.await();
                    return first.registerKeys("secretariat", one, null, "round");
                });
                var b = pool.submit(() -> {
                    start.await();
                    return second.registerKeys("arcadia-officer", two, null, "round");
                });
                a.get(60, java.util.concurrent.TimeUnit.SECONDS);
                b.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        DatabaseRegistry shared = new DatabaseRegistry(store, Clock.systemUTC());
        assertThat(shared.newestGeneration()).isEqualTo(1 + 2L * rounds);
        String newest = shared.newest().orElseThrow().text();
        for (int round = 0; round < rounds; round++) {
            assertThat(newest).contains("one-" + round + "\"").contains("two-" + round + "\"");
        }
        for (RegistryService node : java.util.List.of(first, second)) {
            assertThat(node.fresh().account("secretariat").orElseThrow().sshKeys()).hasSize(1 + rounds);
            assertThat(node.fresh().account("arcadia-officer").orElseThrow().sshKeys()).hasSize(1 + rounds);
        }
    }

    @Test
    void aNodeThatLosesTheRaceToPublishAppliesItsChangeAgainToTheWinnersGenerationInsteadOfOverwritingIt() throws Exception {
        RegistryService first = node(registryFile("first.yaml", false, "v1"));
        DatabaseRegistry database = new DatabaseRegistry(store, Clock.systemUTC());
        java.util.concurrent.atomic.AtomicInteger publishes = new java.util.concurrent.atomic.AtomicInteger();
        // node 2 reads generation N, then node 1 publishes N + 1 before node 2 does
        RegistryService second = new RegistryService(registryFile("second.yaml", false, "v1"), REPORT_TYPES, null,
                new org.treatyexchange.server.registry.SharedRegistry() {
                    @Override
                    public long newestGeneration() throws java.io.IOException {
                        return database.newestGeneration();
                    }

                    @Override
                    public java.util.Optional<Publication> newest() throws java.io.IOException {
                        return database.newest();
                    }

                    @Override
                    public boolean publish(long after, String text, String publishedBy) throws java.io.IOException {
                        if (publishes.incrementAndGet() == 1) {
                            try {
                                first.setDisabled("arcadia-officer", true);
                            } catch (org.treatyexchange.server.config.ConfigException e) {
                                throw new java.io.IOException(e);
                            }
                        }
                        return database.publish(after, text, publishedBy);
                    }
                });

        second.registerKeys("secretariat", TestKeys.line(TestKeys.ed25519().getPublic(), "late"), null, "late");

        assertThat(publishes).as("the first attempt lost, the second won").hasValue(2);
        assertThat(database.newestGeneration()).isEqualTo(3);
        for (RegistryService node : java.util.List.of(first, second)) {
            assertThat(enabled(node, "arcadia-officer")).as("node 1's change survives").isFalse();
            assertThat(node.fresh().account("secretariat").orElseThrow().sshKeys()).hasSize(2);
        }
    }

    @Test
    void aStateAdministratorsChangesThroughTwoNodesWithStaleFilesBothSurvive() throws Exception {
        // the edits DelegatedAdministration makes: an invitation (a new disabled account), then a suspension through the other node
        Path firstFile = registryFile("first.yaml", false, "v1");
        Path secondFile = registryFile("second.yaml", false, "v1");
        RegistryService first = node(firstFile);
        RegistryService second = node(secondFile);

        first.addStateAccount("arcadia-invited", "ARC", "state-officer", "invited by arcadia-officer");
        second.setDisabled("arcadia-officer", true);
        first.setRole("arcadia-invited", "state-admin");

        for (RegistryService node : java.util.List.of(first, second)) {
            assertThat(node.fresh().account("arcadia-invited")).as("the invitation through node 1").isPresent();
            assertThat(node.fresh().account("arcadia-invited").orElseThrow().role()).isEqualTo(Account.Role.STATE_ADMIN);
            assertThat(enabled(node, "arcadia-officer")).as("the suspension through node 2").isFalse();
        }
        String newest = new DatabaseRegistry(store, Clock.systemUTC()).newest().orElseThrow().text();
        assertThat(Files.readString(firstFile)).isEqualTo(newest);
    }

    @Test
    void aChangeThatKeepsLosingTheRaceIsRefusedAndChangesNothingOnTheNode() throws Exception {
        Path file = registryFile("first.yaml", false, "v1");
        DatabaseRegistry database = new DatabaseRegistry(store, Clock.systemUTC());
        RegistryService node = node(file);
        String before = Files.readString(file);
        RegistryService losing = new RegistryService(file, REPORT_TYPES, null, new org.treatyexchange.server.registry.SharedRegistry() {
            @Override
            public long newestGeneration() throws java.io.IOException {
                return database.newestGeneration();
            }

            @Override
            public java.util.Optional<Publication> newest() throws java.io.IOException {
                return database.newest();
            }

            @Override
            public boolean publish(long after, String text, String publishedBy) {
                return false; // another node is always first
            }
        });

        assertThatThrownBy(() -> losing.setDisabled("arcadia-officer", true)).isInstanceOf(
                org.treatyexchange.server.config.ConfigException.class).hasMessageContaining("nothing was changed, try again");
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(enabled(losing, "arcadia-officer")).isTrue();
        assertThat(enabled(node, "arcadia-officer")).isTrue();
        assertThat(database.newestGeneration()).isEqualTo(1);
    }
}
