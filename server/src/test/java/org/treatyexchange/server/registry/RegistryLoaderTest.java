package org.treatyexchange.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;
import org.treatyexchange.server.config.ConfigException;
import org.treatyexchange.server.config.ServerConfig;
import org.treatyexchange.server.config.ServerConfigLoader;
import org.treatyexchange.server.registry.Account.Role;
import org.treatyexchange.server.registry.StateEntry.Status;

class RegistryLoaderTest {
    static final Path SHIPPED = Path.of("../config/registry.yaml");
    static final Set<String> REPORT_TYPES = ServerConfig.defaults().reportTypeIds();

    @TempDir
    Path dir;
    Path demoKeys;
    String keyA;
    String keyB;

    @BeforeEach
    void keys() throws IOException {
        demoKeys = Files.createDirectory(dir.resolve("demo-keys"));
        keyA = TestKeys.line(TestKeys.ed25519().getPublic(), "officer@arcadia");
        keyB = TestKeys.line(TestKeys.ed25519().getPublic(), "system@arcadia");
    }

    /** Two parties, one signatory, one account each plus the secretariat; {@code extra} is appended. */
    private String base(String extraStates, String extraAccounts) {
        return """
                states:
                  - code: ARC
                    name: Arcadia
                    status: state-party
                  - code: BOR
                    name: Borealia
                    status: state-party
                  - code: CAL
                    name: Calvera
                    status: signatory
                %s
                accounts:
                  - name: arcadia-officer
                    state: ARC
                    role: state-officer
                    sshKeys: ["%s"]
                  - name: secretariat
                    role: secretariat
                    sshKeys: ["%s"]
                %s
                """.formatted(extraStates.indent(2).stripTrailing(), keyA, keyB, extraAccounts.indent(2).stripTrailing());
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("registry.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ConfigException fails(String yaml, String key, String problem) throws IOException {
        Path file = write(yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RegistryLoader.load(file, REPORT_TYPES, demoKeys));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.getMessage()).isEqualTo(file + ": " + key + ": " + problem);
        return e;
    }

    @Test
    void shippedRegistryLoadsWithDemoKeys() throws Exception {
        ServerConfig server = ServerConfigLoader.load(Path.of("../config/server.yaml"));
        assertThat(server.demo().enabled()).isTrue();
        List<String> demoAccounts = RegistryLoader.demoKeyAccounts(SHIPPED);
        Map<String, PublicKey> generated = new HashMap<>();
        for (String account : demoAccounts) {
            generated.put(account, TestKeys.writeDemoKey(demoKeys, account));
        }
        org.treatyexchange.server.demo.DemoAccounts.ensurePasswords(demoKeys, RegistryLoader.demoPasswordAccounts(SHIPPED));

        Registry registry = RegistryLoader.load(SHIPPED, server.reportTypeIds(), demoKeys);

        assertThat(registry.statesParties()).extracting(StateEntry::code).containsExactly("ARC", "BOR", "SYL");
        assertThat(registry.state("CAL")).get().extracting(StateEntry::status).isEqualTo(Status.SIGNATORY);
        for (StateEntry state : registry.states()) {
            assertThat(registry.accountsOf(state.code())).extracting(Account::role)
                    .as(state.code()).containsExactly(Role.STATE_OFFICER, Role.STATE_SYSTEM);
            assertThat(state.contacts()).as(state.code()).isNotEmpty();
        }
        Account secretariat = registry.account("secretariat").orElseThrow();
        assertThat(secretariat.isSecretariat()).isTrue();
        assertThat(secretariat.stateCode()).isNull();
        assertThat(registry.state("ARC").orElseThrow().instruction("annual-report")).get()
                .extracting(StandingInstruction::level).isEqualTo(ConfidentialityLevel.PUBLIC);
        assertThat(registry.state("BOR").orElseThrow().instruction("national-report")).contains(
                new StandingInstruction("national-report", ConfidentialityLevel.NAMED, List.of("ARC", "SYL")));
        assertThat(demoAccounts).hasSize(10).contains("arcadia-officer", "calvera-system", "secretariat", "secretariat-admin");
        // a second secretariat person, so that a four-eyes release can be shown with the demo
        assertThat(registry.account("secretariat-admin").orElseThrow().role()).isEqualTo(Role.SECRETARIAT_ADMIN);
        for (Account account : registry.accounts()) {
            assertThat(account.demoKey()).isTrue();
            assertThat(account.sshKeys()).singleElement().satisfies(k -> {
                assertThat(k.key()).isEqualTo(generated.get(account.name()));
                assertThat(k.fingerprint()).isEqualTo(KeyUtils.getFingerPrint(generated.get(account.name())));
                assertThat(k.comment()).isEqualTo(account.name() + "@demo");
            });
        }
    }

    @Test
    void shippedCodesAreNotRealIsoCodes() throws Exception {
        Set<String> iso = Locale.getISOCountries(Locale.IsoCountryCode.PART1_ALPHA3);
        assertThat(iso).contains("CAN", "BOL", "CHL"); // the list is the real one
        for (String account : RegistryLoader.demoKeyAccounts(SHIPPED)) {
            TestKeys.writeDemoKey(demoKeys, account);
        }
        org.treatyexchange.server.demo.DemoAccounts.ensurePasswords(demoKeys, RegistryLoader.demoPasswordAccounts(SHIPPED));
        Registry registry = RegistryLoader.load(SHIPPED, REPORT_TYPES, demoKeys);
        assertThat(registry.states()).extracting(StateEntry::code).hasSize(4).doesNotContainAnyElementsOf(iso);
    }

    @Test
    void loadsStatesAccountsAndLookups() throws Exception {
        Registry r = RegistryLoader.load(write(base("""
                - code: SYL
                  name: Sylvania
                  status: state-party
                  instructions:
                    annual-report:
                      level: public
                    national-report:
                      level: named
                      namedStates: [ARC, BOR]
                  contacts:
                    - name: Ms. Varga
                      email: poc@trade.sylvania.example
                """, "")), REPORT_TYPES, null);
        assertThat(r.states()).extracting(StateEntry::code).containsExactly("ARC", "BOR", "CAL", "SYL");
        assertThat(r.statesParties()).extracting(StateEntry::code).containsExactly("ARC", "BOR", "SYL");
        StateEntry syl = r.state("SYL").orElseThrow();
        assertThat(syl.instructions()).containsOnlyKeys("annual-report", "national-report");
        assertThat(syl.instruction("annual-report")).contains(
                new StandingInstruction("annual-report", ConfidentialityLevel.PUBLIC, List.of()));
        assertThat(syl.contacts()).containsExactly(
                new PointOfContact("Ms. Varga", "", "", "poc@trade.sylvania.example", "", ""));
        assertThat(r.state("XXX")).isEmpty();
        assertThat(r.account("arcadia-officer")).get().satisfies(a -> {
            assertThat(a.stateCode()).isEqualTo("ARC");
            assertThat(a.isSecretariat()).isFalse();
            assertThat(a.demoKey()).isFalse();
            assertThat(a.disabled()).isFalse();
            assertThat(a.sshKeys()).singleElement().extracting(AuthorizedKey::comment).isEqualTo("officer@arcadia");
        });
        assertThat(r.accountsOf("ARC")).extracting(Account::name).containsExactly("arcadia-officer");
        assertThat(r.accountsOf("BOR")).isEmpty();
        assertThat(r.account("nobody")).isEmpty();
    }

    @Test
    void signatoriesMayHaveAccounts() throws Exception {
        Registry r = RegistryLoader.load(write(base("", """
                - name: calvera-officer
                  state: CAL
                  role: state-officer
                  disabled: true
                """)), REPORT_TYPES, null);
        assertThat(r.accountsOf("CAL")).singleElement().satisfies(a -> {
            assertThat(a.disabled()).isTrue();
            assertThat(a.sshKeys()).isEmpty();
        });
        assertThat(r.statesParties()).extracting(StateEntry::code).doesNotContain("CAL");
    }

    @Test
    void demoKeyIsAddedToListedKeys() throws Exception {
        PublicKey demo = TestKeys.writeDemoKey(demoKeys, "arcadia-system");
        Path file = write(base("", """
                - name: arcadia-system
                  state: ARC
                  role: state-system
                  demoKey: true
                  sshKeys:
                    - "%s"
                """.formatted(TestKeys.line(TestKeys.rsa(2048).getPublic(), "rsa@arcadia"))));
        assertThat(RegistryLoader.demoKeyAccounts(file)).containsExactly("arcadia-system");
        Account a = RegistryLoader.load(file, REPORT_TYPES, demoKeys).account("arcadia-system").orElseThrow();
        assertThat(a.demoKey()).isTrue();
        assertThat(a.sshKeys()).extracting(AuthorizedKey::comment).containsExactly("rsa@arcadia", "arcadia-system@demo");
        assertThat(a.sshKeys().get(1).key()).isEqualTo(demo);
        assertThat(a.sshKeys().get(1).fingerprint()).isEqualTo(KeyUtils.getFingerPrint(demo)).startsWith("SHA256:");
    }

    @Test
    void demoKeyWhenDemoIsDisabledIsAnError() throws Exception {
        Path file = write(base("", "- name: demo-user\n  state: ARC\n  role: state-officer\n  demoKey: true\n"));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RegistryLoader.load(file, REPORT_TYPES, null));
        assertThat(e.key()).isEqualTo("accounts[demo-user].demoKey");
        assertThat(e.getMessage()).isEqualTo(file + ": accounts[demo-user].demoKey: account 'demo-user' asks for a demo "
                + "key but demo.enabled is false; list its keys under sshKeys instead");
    }

    @Test
    void missingDemoKeyFileIsNamed() throws Exception {
        fails(base("", "- name: demo-user\n  state: ARC\n  role: state-officer\n  demoKey: true\n"),
                "accounts[demo-user].demoKey", "demo key file " + demoKeys.resolve("demo-user.pub")
                        + " does not exist; it is generated at start-up when demo.enabled is true");
    }

    @Test
    void badDemoKeyFileIsAnError() throws Exception {
        Files.writeString(demoKeys.resolve("demo-user.pub"), "# nothing\n");
        fails(base("", "- name: demo-user\n  state: ARC\n  role: state-officer\n  demoKey: true\n"),
                "accounts[demo-user].demoKey",
                "must be an OpenSSH public key line such as 'ssh-ed25519 AAAAC3Nz… officer@arcadia'");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("absent.yaml");
        assertThatThrownBy(() -> RegistryLoader.load(missing, REPORT_TYPES, null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": (file): does not exist; create it or point to an existing file");
        assertThatThrownBy(() -> RegistryLoader.demoKeyAccounts(missing)).isInstanceOf(ConfigException.class);
    }

    @Test
    void stateCodeMustBeAlpha3() throws Exception {
        fails(base("- code: Arc2\n  name: X\n  status: state-party\n", ""), "states[3].code",
                "'Arc2' must be an ISO 3166-1 alpha-3 code: three upper-case letters, e.g. ARC");
    }

    @Test
    void stateCodesAreUnique() throws Exception {
        fails(base("- code: BOR\n  name: X\n  status: state-party\n", ""), "states[3].code",
                "'BOR' is already used by states[1].code; State codes must be unique");
    }

    @Test
    void stateStatusIsChecked() throws Exception {
        fails(base("- code: SYL\n  name: X\n  status: party\n", ""), "states[SYL].status",
                "'party' must be state-party or signatory");
        fails(base("- code: SYL\n  status: state-party\n", ""), "states[SYL].name", "is required");
    }

    @Test
    void accountNameIsChecked() throws Exception {
        fails(base("", "- name: Arcadia Officer\n  state: ARC\n  role: state-officer\n"), "accounts[2].name",
                "'Arcadia Officer' must start with a lower-case letter followed by up to 31 lower-case letters, "
                        + "digits, '.', '_' or '-', e.g. arcadia-officer");
    }

    @Test
    void accountNamesThatWouldEscapeTheDemoDirectoryAreRefusedBeforeKeyGeneration() throws Exception {
        Path file = write(base("", "- name: ../../etc/evil\n  role: secretariat\n  demoKey: true\n"));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> RegistryLoader.demoKeyAccounts(file));
        assertThat(e.key()).isEqualTo("accounts[2].name");
    }

    @Test
    void accountNamesAreUnique() throws Exception {
        fails(base("", "- name: secretariat\n  role: secretariat\n  disabled: true\n"), "accounts[2].name",
                "'secretariat' is already used by accounts[1].name; account names must be unique");
    }

    @Test
    void stateAccountNeedsAnExistingState() throws Exception {
        fails(base("", "- name: x\n  state: ZZZ\n  role: state-officer\n  disabled: true\n"), "accounts[x].state",
                "'ZZZ' is not a State in this registry; add it under states");
        fails(base("", "- name: x\n  role: state-system\n  disabled: true\n"), "accounts[x].state", "is required");
    }

    @Test
    void secretariatAccountHasNoState() throws Exception {
        fails(base("", "- name: x\n  state: ARC\n  role: secretariat\n  disabled: true\n"), "accounts[x].role",
                "an account of a State cannot have role secretariat; remove 'state' for a secretariat account, "
                        + "or use state-officer or state-system");
    }

    @Test
    void roleIsChecked() throws Exception {
        fails(base("", "- name: x\n  state: ARC\n  role: admin\n"), "accounts[x].role",
                "'admin' must be state-officer, state-system, state-admin, secretariat or secretariat-admin");
    }

    @Test
    void secretariatAdministratorIsASecretariatAccountWithoutAState() throws Exception {
        Path file = write(base("", "- name: registrar\n  role: secretariat-admin\n  disabled: true\n"));
        Account registrar = RegistryLoader.load(file, REPORT_TYPES, demoKeys).account("registrar").orElseThrow();
        assertThat(registrar.role()).isEqualTo(Role.SECRETARIAT_ADMIN);
        assertThat(registrar.isSecretariat()).isTrue();
        assertThat(registrar.stateCode()).isNull();
        fails(base("", "- name: x\n  state: ARC\n  role: secretariat-admin\n  disabled: true\n"), "accounts[x].role",
                "an account of a State cannot have role secretariat-admin; remove 'state' for a secretariat account, "
                        + "or use state-officer or state-system");
    }

    @Test
    void aPasswordHashIsLoadedAndAccountsWithoutOneHaveNone() throws Exception {
        String phc = org.treatyexchange.server.crypto.PasswordHash.create("a long enough password".toCharArray()).encoded();
        Path file = write(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [\"%s\"]\n  passwordHash: '%s'\n"
                .formatted(TestKeys.line(TestKeys.ed25519().getPublic(), "x"), phc)));
        Registry r = RegistryLoader.load(file, REPORT_TYPES, demoKeys);
        assertThat(r.account("x").orElseThrow().passwordHash().encoded()).isEqualTo(phc);
        assertThat(r.account("x").orElseThrow().passwordHash().matches("a long enough password".toCharArray())).isTrue();
        assertThat(r.account("x").orElseThrow().toString()).doesNotContain(phc.substring(phc.lastIndexOf('$') + 1));
        assertThat(r.accounts().stream().filter(a -> !a.name().equals("x")).map(Account::passwordHash)).containsOnlyNulls();
    }

    @Test
    void aPlaintextOrWeakPasswordHashIsARegistryErrorThatDoesNotRepeatIt() throws Exception {
        String account = "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [\"%s\"]\n  passwordHash: %s\n";
        String key = TestKeys.line(TestKeys.ed25519().getPublic(), "x");
        ConfigException plain = fails(base("", account.formatted(key, "'Sup3r-Secret-Plaintext'")), "accounts[x].passwordHash",
                "must be an Argon2id hash in PHC format, $argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>, as printed by "
                        + "scripts/admin hash-password (never the password itself)");
        assertThat(plain.getMessage()).doesNotContain("Sup3r");
        ConfigException number = fails(base("", account.formatted(key, "123456789012")), "accounts[x].passwordHash",
                plain.getMessage().substring(plain.getMessage().indexOf("must be")));
        assertThat(number.getMessage()).doesNotContain("123456789012");
        String strong = org.treatyexchange.server.crypto.PasswordHash.create("a long enough password".toCharArray()).encoded();
        String weak = strong.replace("m=65536,t=3,p=1", "m=1024,t=1,p=1");
        fails(base("", account.formatted(key, "'" + weak + "'")), "accounts[x].passwordHash",
                "uses weak Argon2id parameters (m=1024,t=1,p=1); at least m=19456,t=2,p=1 are required; hash the password "
                        + "again with scripts/admin hash-password");
    }

    @Test
    void enabledAccountNeedsAKey() throws Exception {
        fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n"), "accounts[x].sshKeys",
                "account 'x' is enabled but has no key or certificate; list an OpenSSH public key under sshKeys or a certificate under certificates, or set disabled: true");
    }

    @Test
    void unparsableKeyNamesAccountAndIndex() throws Exception {
        String truncated = keyA.substring(0, 40) + " cut";
        fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [\"%s\", \"%s\"]\n"
                        .formatted(TestKeys.line(TestKeys.ed25519().getPublic(), "ok"), truncated)),
                "accounts[x].sshKeys[1]",
                "cannot be decoded as a 'ssh-ed25519' key (EOFException); copy the whole line from the .pub file");
        fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [hello]\n"),
                "accounts[x].sshKeys[0]",
                "must be an OpenSSH public key line such as 'ssh-ed25519 AAAAC3Nz… officer@arcadia'");
    }

    @Test
    void loginOptionsAreRefused() throws Exception {
        fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: ['from=\"10.0.0.1\" %s']\n"
                        .formatted(TestKeys.line(TestKeys.ed25519().getPublic(), "c"))),
                "accounts[x].sshKeys[0]",
                "login options (from) are not supported; give only the key type, the key and a comment");
    }

    @Test
    void weakKeyTypesAreRefused() throws Exception {
        fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [\"%s\"]\n"
                        .formatted(TestKeys.line(TestKeys.rsa(1024).getPublic(), "old"))),
                "accounts[x].sshKeys[0]",
                "RSA key of 1024 bits is too weak; use ssh-ed25519 or RSA of at least 2048 bits (3072 recommended)");
        fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [\"%s\"]\n"
                        .formatted(TestKeys.line(TestKeys.ecdsa().getPublic(), "ec"))),
                "accounts[x].sshKeys[0]", "'ecdsa-sha2-nistp256' keys are not accepted by this server; use "
                        + "ssh-ed25519 (preferred) or RSA of at least 2048 bits");
    }

    @Test
    void aKeyBelongsToOneAccount() throws Exception {
        Path file = write(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshKeys: [\"%s\"]\n"
                .formatted(keyA)));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RegistryLoader.load(file, REPORT_TYPES, null));
        assertThat(e.key()).isEqualTo("accounts[x].sshKeys[0]");
        assertThat(e.getMessage()).matches(".*: key SHA256:\\S+ is already registered to account "
                + "'arcadia-officer'; each key belongs to exactly one account");
    }

    @Test
    void instructionReportTypeMustBeConfigured() throws Exception {
        Path file = write(base("- code: SYL\n  name: S\n  status: state-party\n  instructions:\n"
                + "    annual-reprot:\n      level: public\n", ""));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RegistryLoader.load(file, Set.of("annual-report", "initial-report"), null));
        assertThat(e.key()).isEqualTo("states[SYL].instructions.annual-reprot");
        assertThat(e.getMessage()).endsWith("'annual-reprot' is not a configured report type; configured: "
                + "annual-report, initial-report (reportTypes in server.yaml)");
    }

    @Test
    void instructionLevelIsChecked() throws Exception {
        fails(base("- code: SYL\n  name: S\n  status: state-party\n  instructions:\n"
                + "    annual-report:\n      level: restricted\n", ""), "states[SYL].instructions.annual-report.level",
                "'restricted' must be public, states-parties, secretariat or named");
    }

    @Test
    void namedStatesOnlyWithLevelNamed() throws Exception {
        fails(base("- code: SYL\n  name: S\n  status: state-party\n  instructions:\n"
                        + "    annual-report:\n      level: public\n      namedStates: [ARC]\n", ""),
                "states[SYL].instructions.annual-report.namedStates",
                "is only allowed with level named; remove it or set level: named");
        fails(base("- code: SYL\n  name: S\n  status: state-party\n  instructions:\n"
                        + "    annual-report:\n      level: named\n", ""),
                "states[SYL].instructions.annual-report.namedStates",
                "level named needs namedStates: the codes of the States Parties that may read it");
    }

    @Test
    void namedStatesMustBeExistingStatesParties() throws Exception {
        String prefix = "- code: SYL\n  name: S\n  status: state-party\n  instructions:\n"
                + "    annual-report:\n      level: named\n      namedStates: ";
        fails(base(prefix + "[ARC, ZZZ]\n", ""), "states[SYL].instructions.annual-report.namedStates[1]",
                "'ZZZ' is not a State in this registry");
        fails(base(prefix + "[CAL]\n", ""), "states[SYL].instructions.annual-report.namedStates[0]",
                "'CAL' is a signatory, not a State Party; only States Parties may be named to receive a report");
        fails(base(prefix + "[ARC, ARC]\n", ""), "states[SYL].instructions.annual-report.namedStates[1]",
                "'ARC' is listed twice");
    }

    @Test
    void namedStatesMayBeDeclaredLaterInTheFile() throws Exception {
        Registry r = RegistryLoader.load(write(base("""
                - code: SYL
                  name: S
                  status: state-party
                  instructions:
                    annual-report:
                      level: named
                      namedStates: [ZZA]
                - code: ZZA
                  name: Z
                  status: state-party
                """, "")), REPORT_TYPES, null);
        assertThat(r.state("SYL").orElseThrow().instruction("annual-report").orElseThrow().namedStates())
                .containsExactly("ZZA");
    }

    @Test
    void contactsAreChecked() throws Exception {
        String prefix = "- code: SYL\n  name: S\n  status: state-party\n  contacts:\n";
        fails(base(prefix + "    - name: A\n      email: not-an-email\n", ""), "states[SYL].contacts[0].email",
                "'not-an-email' is not an e-mail address like name@ministry.example");
        fails(base(prefix + "    - name: A\n      email: a@b.example\n      phone: call me\n", ""),
                "states[SYL].contacts[0].phone", "'call me' is not a phone number like \"+999 20 555 0100\"");
        fails(base(prefix + "    - email: a@b.example\n", ""), "states[SYL].contacts[0].name", "is required");
        fails(base(prefix + "    - name: A\n", ""), "states[SYL].contacts[0].email", "is required");
        fails(base(prefix + "    - name: A\n      email: a@b.example\n      phone: 41229170000\n", ""),
                "states[SYL].contacts[0].phone",
                "must be a string, got 41229170000 (quote it if it looks like a number or true/false)");
    }

    @Test
    void unknownKeysAreRefused() throws Exception {
        ConfigException e = fails(base("", "- name: x\n  state: ARC\n  role: state-officer\n  sshkeys: []\n"),
                "accounts[2].sshkeys", "unknown key — did you mean 'accounts[2].sshKeys'? Allowed here: name, state, "
                        + "role, sshKeys, certificates, revokedCertificates, demoKey, disabled, passwordHash, demoPassword");
        assertThat(e).isNotNull();
        fails("state: []\n", "state", "unknown key — did you mean 'states'? Allowed here: states, accounts");
        fails(base("- code: SYL\n  name: S\n  status: state-party\n  contact: []\n", ""), "states[3].contact",
                "unknown key — did you mean 'states[3].contacts'? Allowed here: code, name, status, instructions, "
                        + "contacts, entryIntoForce");
    }

    @Test
    void entryIntoForceIsADateOfAStateParty() throws Exception {
        fails(base("- code: SYL\n  name: S\n  status: state-party\n  entryIntoForce: 24.12.2014\n", ""), "states[SYL].entryIntoForce",
                "'24.12.2014' must be a date written YYYY-MM-DD, e.g. 2014-12-24");
        fails(base("- code: SYL\n  name: S\n  status: state-party\n  entryIntoForce: 2014-02-30\n", ""), "states[SYL].entryIntoForce",
                "'2014-02-30' must be a date written YYYY-MM-DD, e.g. 2014-12-24");
        fails(base("- code: SYL\n  name: S\n  status: signatory\n  entryIntoForce: 2014-12-24\n", ""), "states[SYL].entryIntoForce",
                "only a state-party has an entry into force; remove it or make the State a state-party");
    }

    @Test
    void aPasswordInTheRegistryIsRefused() throws Exception {
        Path file = write(base("", "- name: x\n  state: ARC\n  role: state-officer\n  password: hunter2\n"));
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> RegistryLoader.load(file, REPORT_TYPES, null));
        assertThat(e.key()).isEqualTo("accounts[2].password");
        assertThat(e.getMessage()).contains("secrets never go in files under config/").doesNotContain("hunter2");
    }
}
