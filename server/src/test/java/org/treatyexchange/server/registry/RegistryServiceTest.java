package org.treatyexchange.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.config.ConfigException;

class RegistryServiceTest {
    static final Set<String> REPORT_TYPES = Set.of("annual-report", "national-report");

    @TempDir
    Path dir;
    Path file;
    PublicKey officerKey;
    PublicKey secretariatKey;
    PublicKey systemKey;

    @BeforeEach
    void setUp() throws IOException {
        file = dir.resolve("registry.yaml");
        officerKey = TestKeys.ed25519().getPublic();
        secretariatKey = TestKeys.ed25519().getPublic();
        systemKey = TestKeys.ed25519().getPublic();
        Files.writeString(file, registry("""
                  - code: BOR
                    name: Borealia
                    status: state-party
                """, """
                  - name: arcadia-officer
                    state: ARC
                    role: state-officer
                    sshKeys: ["%s"]
                  - name: borealia-officer
                    state: BOR
                    role: state-officer
                    disabled: true
                """.formatted(TestKeys.line(officerKey, "officer"))));
    }

    private String registry(String moreStates, String moreAccounts) {
        return """
                states:
                  - code: ARC
                    name: Arcadia
                    status: state-party
                %saccounts:
                  - name: secretariat
                    role: secretariat
                    sshKeys: ["%s"]
                %s""".formatted(moreStates, TestKeys.line(secretariatKey, "sec"), moreAccounts);
    }

    @Test
    void loadsOnConstruction() throws Exception {
        RegistryService service = new RegistryService(file, REPORT_TYPES, null);
        assertThat(service.current().accounts()).extracting(Account::name)
                .containsExactly("secretariat", "arcadia-officer", "borealia-officer");
    }

    @Test
    void constructionFailsOnABadFile() throws Exception {
        Files.writeString(file, "states: [\n");
        assertThatThrownBy(() -> new RegistryService(file, REPORT_TYPES, null)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": (line ");
    }

    @Test
    void reloadOfUnchangedFileReportsNothing() throws Exception {
        RegistryService service = new RegistryService(file, REPORT_TYPES, null);
        Registry before = service.current();
        RegistryChange change = service.reload();
        assertThat(change.isEmpty()).isTrue();
        assertThat(service.current()).isNotSameAs(before).isEqualTo(before);
    }

    @Test
    void badFileKeepsTheOldRegistry() throws Exception {
        RegistryService service = new RegistryService(file, REPORT_TYPES, null);
        Registry before = service.current();
        // Valid YAML, invalid registry: the new account's State does not exist.
        Files.writeString(file, registry("", """
                  - name: arcadia-officer
                    state: ARX
                    role: state-officer
                    sshKeys: ["%s"]
                """.formatted(TestKeys.line(officerKey, "officer"))));

        assertThatThrownBy(service::reload).isInstanceOf(ConfigException.class)
                .hasMessage(file + ": accounts[arcadia-officer].state: 'ARX' is not a State in this registry; "
                        + "add it under states");
        assertThat(service.current()).isSameAs(before);

        Files.delete(file);
        assertThatThrownBy(service::reload).isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
        assertThat(service.current()).isSameAs(before);
    }

    @Test
    void goodFileIsSwappedInAndTheChangeSummarised() throws Exception {
        RegistryService service = new RegistryService(file, REPORT_TYPES, null);
        PublicKey newOfficerKey = TestKeys.ed25519().getPublic();
        // BOR removed (with its account), SYL added with an instruction, the officer's key rotated,
        // a system account added, ARC's name changed, the secretariat disabled.
        Files.writeString(file, """
                states:
                  - code: ARC
                    name: Republic of Arcadia
                    status: state-party
                  - code: SYL
                    name: Sylvania
                    status: state-party
                    instructions:
                      annual-report:
                        level: public
                accounts:
                  - name: secretariat
                    role: secretariat
                    disabled: true
                    sshKeys: ["%s"]
                  - name: arcadia-officer
                    state: ARC
                    role: state-officer
                    sshKeys: ["%s"]
                  - name: sylvania-system
                    state: SYL
                    role: state-system
                    sshKeys: ["%s"]
                """.formatted(TestKeys.line(secretariatKey, "sec"), TestKeys.line(newOfficerKey, "officer 2026"),
                TestKeys.line(systemKey, "system")));

        RegistryChange change = service.reload();

        assertThat(change.added()).containsExactly("state SYL", "account sylvania-system");
        assertThat(change.removed()).containsExactly("state BOR", "account borealia-officer");
        assertThat(change.changed()).containsExactly(
                "state ARC: name",
                "account secretariat: disabled",
                "account arcadia-officer: key added " + KeyUtils.getFingerPrint(newOfficerKey)
                        + ", key removed " + KeyUtils.getFingerPrint(officerKey));
        assertThat(change.isEmpty()).isFalse();
        Registry now = service.current();
        assertThat(now.state("BOR")).isEmpty();
        assertThat(now.account("arcadia-officer").orElseThrow().sshKeys()).singleElement()
                .extracting(AuthorizedKey::key).isEqualTo(newOfficerKey);
    }

    @Test
    void instructionAndStatusChangesAreReported() throws Exception {
        RegistryService service = new RegistryService(file, REPORT_TYPES, null);
        Files.writeString(file, Files.readString(file).replace("""
                  - code: BOR
                    name: Borealia
                    status: state-party
                """, """
                  - code: BOR
                    name: Borealia
                    status: signatory
                    instructions:
                      national-report:
                        level: named
                        namedStates: [ARC]
                    contacts:
                      - name: A
                        email: a@bor.example
                """));
        assertThat(service.reload().changed()).containsExactly("state BOR: status signatory, instructions, contacts");
    }

    @Test
    void readersAlwaysSeeACompleteRegistryDuringReloads() throws Exception {
        RegistryService service = new RegistryService(file, REPORT_TYPES, null);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                while (done.getCount() > 0) {
                    Registry r = service.current();
                    if (r.account("secretariat").isEmpty() || r.accounts().size() != 3) {
                        throw new AssertionError("incomplete registry: " + r.accounts());
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 20; i++) {
                service.reload();
            }
        } finally {
            done.countDown();
        }
        reader.join();
        assertThat(failure.get()).isNull();
    }
}
