package org.treatyexchange.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.application.AuditTrail;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.RegistryDesk;
import org.treatyexchange.server.audit.AuditLog;
import org.treatyexchange.server.registry.RegistryService;
import org.treatyexchange.server.registry.TestKeys;
import org.treatyexchange.server.store.Store;

/**
 * The console's registry changes in a cluster (PostgreSQL): a certificate an administrator adds through one
 * node authenticates on the other from its next request, and is refused there once revoked — without a reload
 * of its own; an officer's change is refused and reaches no node.
 */
class ConsoleRegistryClusterTest {

    @TempDir
    Path dir;
    TestDatabase database;
    Store store;

    static final Caller ADMIN = new Caller("secretariat-admin", null, Caller.Role.SECRETARIAT_ADMIN, Caller.Channel.PORTAL, "password",
            "127.0.0.1");
    static final Caller OFFICER = new Caller("secretariat", null, Caller.Role.SECRETARIAT, Caller.Channel.PORTAL, "password", "127.0.0.1");

    @BeforeEach
    void open() throws Exception {
        database = TestDatabase.create(TestDatabase.Kind.POSTGRESQL);
        store = database.open(null);
    }

    @AfterEach
    void close() throws Exception {
        store.close();
        database.close();
    }

    private Path registryFile(String name) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, """
                states:
                  - code: ARC
                    name: Arcadia
                    status: state-party
                accounts:
                  - name: secretariat
                    role: secretariat
                    sshKeys:
                      - "%s"
                  - name: arcadia-system
                    state: ARC
                    role: state-system
                    sshKeys:
                      - "%s"
                """.formatted(TestKeys.line(TestKeys.ed25519().getPublic(), "sec"), TestKeys.line(TestKeys.ed25519().getPublic(), "sys")));
        return file;
    }

    private RegistryService node(Path file) throws Exception {
        return new RegistryService(file, Set.of("annual-report"), null, new DatabaseRegistry(store, Clock.systemUTC()));
    }

    private String certificate() throws Exception {
        Processes.Result r = Processes.run(dir, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", dir.resolve("k.pem").toString(), "-out", dir.resolve("c.pem").toString(), "-days", "90", "-subj",
                "/CN=arcadia-system", "-addext", "basicConstraints=critical,CA:FALSE"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return Files.readString(dir.resolve("c.pem"));
    }

    @Test
    void aCertificateAddedAndRevokedThroughOneNodeHoldsOnTheOtherFromItsNextRequest() throws Exception {
        Path firstFile = registryFile("first.yaml");
        RegistryService first = node(firstFile);
        RegistryService second = node(registryFile("second.yaml"));
        RegistryDesk desk = new RegistryDesk(first, new AuditTrail(new AuditLog(Clock.systemUTC()), store), Clock.systemUTC());
        String pem = certificate();

        String before = Files.readString(firstFile);
        assertThatThrownBy(() -> desk.registerKeys(OFFICER, "arcadia-system", null, pem)).isInstanceOf(Refusal.class)
                .extracting(e -> ((Refusal) e).reason()).isEqualTo(Refusal.Reason.FORBIDDEN);
        assertThat(Files.readString(firstFile)).isEqualTo(before);

        String fingerprint = desk.registerKeys(ADMIN, "arcadia-system", null, pem).certificateFingerprint();
        assertThat(second.fresh().accountByCertificate(fingerprint)).as("node 2, no reload of its own").isPresent();

        assertThatThrownBy(() -> desk.revokeCertificate(OFFICER, "arcadia-system", fingerprint)).isInstanceOf(Refusal.class);
        assertThat(second.fresh().accountByCertificate(fingerprint)).isPresent();

        desk.revokeCertificate(ADMIN, "arcadia-system", fingerprint);
        assertThat(second.fresh().accountByCertificate(fingerprint)).as("revoked on node 2 from its next request").isEmpty();
        assertThat(second.fresh().certificate(fingerprint)).hasValueSatisfying(c -> assertThat(c.revoked()).isTrue());
    }

    @Test
    void aChangeThroughANodeWhoseFileIsBehindIsAppliedToTheNewestGenerationAndUndoesNoOtherNodesChange() throws Exception {
        Path firstFile = registryFile("first.yaml");
        Path secondFile = registryFile("second.yaml");
        RegistryService first = node(firstFile);
        RegistryService second = node(secondFile);
        AuditTrail audit = new AuditTrail(new AuditLog(Clock.systemUTC()), store);
        RegistryDesk deskOne = new RegistryDesk(first, audit, Clock.systemUTC());
        RegistryDesk deskTwo = new RegistryDesk(second, audit, Clock.systemUTC());

        String fingerprint = deskOne.registerKeys(ADMIN, "arcadia-system", null, certificate()).certificateFingerprint();
        String staleSecondFile = Files.readString(secondFile);
        assertThat(staleSecondFile).as("node 2's file is behind").doesNotContain("BEGIN CERTIFICATE");
        String sshFingerprint = deskTwo.registerKeys(ADMIN, "secretariat", TestKeys.line(TestKeys.ed25519().getPublic(), "added on 2"), null)
                .sshKeyFingerprint();

        DatabaseRegistry shared = new DatabaseRegistry(store, Clock.systemUTC());
        String newest = shared.newest().orElseThrow().text();
        assertThat(shared.newestGeneration()).isEqualTo(3);
        assertThat(newest).contains("BEGIN CERTIFICATE").contains("added on 2");
        for (RegistryService node : List.of(first, second)) {
            assertThat(node.fresh().accountByCertificate(fingerprint)).as("node 1's certificate survives node 2's change").isPresent();
            assertThat(node.fresh().account("secretariat").orElseThrow().sshKeys()).extracting(k -> k.fingerprint())
                    .contains(sshFingerprint);
        }
        assertThat(Files.readString(secondFile)).as("node 2's file is what it published").isEqualTo(newest);
        assertThat(dir.resolve("second.yaml.before-generation-3")).as("node 2's former file is kept, not lost").hasContent(staleSecondFile);
        assertThat(Files.readString(firstFile)).as("node 1's file still holds its own change")
                .contains("BEGIN CERTIFICATE").doesNotContain("added on 2");
    }
}
