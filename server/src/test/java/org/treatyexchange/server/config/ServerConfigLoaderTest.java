package org.treatyexchange.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.MonthDay;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.treatyexchange.sdk.wire.ConfidentialityLevel;

class ServerConfigLoaderTest {
    static final Path SHIPPED = Path.of("../config/server.yaml");

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private ServerConfig load(String yaml) throws Exception {
        return ServerConfigLoader.load(write(yaml));
    }

    /** Loads a bad file and checks that the error names this file and the expected key. */
    private ConfigException fails(String yaml, String expectedKey) throws IOException {
        Path file = write(yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ServerConfigLoader.load(file));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.file()).isEqualTo(file);
        assertThat(e.key()).isEqualTo(expectedKey);
        assertThat(e.getMessage()).startsWith(file + ": " + expectedKey + ": ");
        return e;
    }

    @Test
    void shippedFileLoadsAndEqualsTheDefaultsExceptForTheDemo() throws Exception {
        ServerConfig shipped = ServerConfigLoader.load(SHIPPED);
        ServerConfig defaults = ServerConfig.defaults();

        assertThat(shipped.demo().enabled()).isTrue();
        assertThat(defaults.demo().enabled()).isFalse();
        assertThat(shipped.home()).isEqualTo(Path.of("data").toAbsolutePath().normalize());
        assertThat(shipped.registryFile()).isEqualTo(defaults.registryFile());
        assertThat(shipped.sftp()).isEqualTo(defaults.sftp());
        assertThat(shipped.api()).isEqualTo(defaults.api());
        assertThat(shipped.limits()).isEqualTo(defaults.limits());
        assertThat(shipped.storage()).isEqualTo(defaults.storage());
        assertThat(shipped.database()).isEqualTo(defaults.database());
        assertThat(shipped.database().embedded()).as("Derby stays the default").isTrue();
        assertThat(shipped.database().sslMode()).isEqualTo("verify-full");
        assertThat(shipped.keys()).isEqualTo(defaults.keys());
        assertThat(shipped.admin()).isEqualTo(defaults.admin());
        assertThat(shipped.reportTypes()).isEqualTo(defaults.reportTypes());
    }

    @Test
    void shippedFileShowsEveryKey() throws Exception {
        JsonNode tree = new YAMLMapper().readTree(SHIPPED.toFile());
        List<String> keys = new ArrayList<>();
        collectKeys("", tree, keys);
        assertThat(keys).contains("home", "registry", "demo.enabled", "sftp.bind", "sftp.port", "sftp.authTimeout",
                "sftp.idleTimeout", "sftp.maxUnauthenticatedConnections", "sftp.lockout.maxFailures", "sftp.lockout.window",
                "sftp.lockout.duration", "sftp.passwordAuthentication", "sftp.perSource.maxUnauthenticatedConnections",
                "sftp.perSource.connectionBurst", "sftp.perSource.connectionsPerSecond", "sftp.hostKeys", "sftp.algorithms.kex",
                "sftp.algorithms.ciphers", "sftp.algorithms.macs", "sftp.algorithms.hostKeyAlgorithms",
                "sftp.algorithms.publicKeyAlgorithms", "api.enabled", "api.bind", "api.port", "api.maxHeaderSize",
                "api.maxEnvelopeSize", "api.maxDocuments", "api.requestsPerMinute", "api.idleTimeout",
                "api.readTimeout", "api.minDataRate", "api.maxConnectionsPerClient", "api.clockSkew", "api.executorThreads", "api.tls.protocols",
                "api.tls.cipherSuites", "api.serverNames", "limits.maxFileSize", "limits.accountQuota",
                "limits.maxOpenHandles", "limits.maxSessionsPerAccount", "limits.maxFileNameLength",
                "limits.maxConcurrentUploadsPerAccount", "limits.freeSpaceReserve", "limits.refusalNoticeRetention",
                "storage.segmentSize", "storage.fsync", "keys.masterKeystore", "keys.receiptKeystore",
                "keys.receiptCertificate", "keys.caKeystore", "keys.caCertificate", "keys.tlsKeystore", "keys.passwordEnv", "keys.passwordFileEnv", "admin.socket", "reportTypes",
                "portal.enabled", "portal.bind", "portal.port", "portal.maxHeaderSize", "portal.maxFormSize", "portal.readTimeout",
                "portal.executorThreads", "portal.sessionIdle", "portal.sessionAbsolute");
        // And every key with a value has a one-line comment (report type entries are self-describing).
        for (String line : Files.readAllLines(SHIPPED)) {
            if (line.matches("\\s*[A-Za-z]+:\\s*[^\\s#].*") && !line.contains("#")) {
                assertThat(line).as("line is a mapping under reportTypes").matches("\\s+(name|defaultLevel|deadline):.*");
            }
        }
    }

    private static void collectKeys(String prefix, JsonNode node, List<String> out) {
        node.fieldNames().forEachRemaining(name -> {
            JsonNode child = node.get(name);
            String key = prefix.isEmpty() ? name : prefix + "." + name;
            if (child.isObject()) {
                collectKeys(key, child, out);
            } else {
                out.add(key);
            }
        });
    }

    @Test
    void emptyFileYieldsTheDefaults() throws Exception {
        ServerConfig config = load("");
        assertThat(config).isEqualTo(ServerConfig.defaults());
        assertThat(load("# nothing but a comment\n")).isEqualTo(ServerConfig.defaults());
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.home()).isEqualTo(Path.of("").toAbsolutePath().resolve("data"));
        assertThat(d.registryFile()).isEqualTo(Path.of("").toAbsolutePath().resolve("config/registry.yaml"));
        assertThat(d.demo().enabled()).isFalse();
        assertThat(d.sftp().bind()).isEqualTo("127.0.0.1");
        assertThat(d.sftp().port()).isEqualTo(2222);
        assertThat(d.sftp().authTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.sftp().idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(d.sftp().maxUnauthenticatedConnections()).isEqualTo(64);
        assertThat(d.sftp().hostKeys()).containsExactly(Path.of("keys/ssh_host_ed25519_key"),
                Path.of("keys/ssh_host_rsa_key"));
        assertThat(d.sftp().algorithms().kex()).first().isEqualTo("mlkem768x25519-sha256");
        assertThat(d.sftp().algorithms().ciphers()).containsExactly("aes256-gcm@openssh.com",
                "aes128-gcm@openssh.com", "aes256-ctr", "aes128-ctr");
        assertThat(d.sftp().algorithms().publicKeyAlgorithms()).containsExactly("ssh-ed25519", "rsa-sha2-512",
                "rsa-sha2-256");
        assertThat(d.limits().maxFileSize()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(d.limits().accountQuota()).isEqualTo(20L * 1024 * 1024 * 1024);
        assertThat(d.limits().maxOpenHandles()).isEqualTo(64);
        assertThat(d.limits().maxSessionsPerAccount()).isEqualTo(8);
        assertThat(d.limits().maxFileNameLength()).isEqualTo(255);
        assertThat(d.limits().maxConcurrentUploadsPerAccount()).isEqualTo(16);
        assertThat(d.limits().freeSpaceReserve()).isEqualTo(1L << 30);
        assertThat(d.limits().refusalNoticeRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(d.storage().segmentSize()).isEqualTo(64 * 1024);
        assertThat(d.storage().fsync()).isTrue();
        assertThat(d.keys().passwordEnv()).isEqualTo("EXCHANGE_MASTER_PASSWORD");
        assertThat(d.keys().passwordFileEnv()).isEqualTo("EXCHANGE_MASTER_PASSWORD_FILE");
        assertThat(d.resolveInHome(d.keys().masterKeystore())).isEqualTo(d.home().resolve("keys/master.p12"));
        assertThat(d.resolveInHome(d.admin().socket())).isEqualTo(d.home().resolve("run/admin.sock"));
        assertThat(d.reportTypeIds()).containsExactlyInAnyOrder("initial-report", "initial-report-update",
                "annual-report", "nil-annual-report", "national-report", "points-of-contact", "correspondence");
        assertThat(d.reportType("annual-report")).hasValueSatisfying(t -> {
            assertThat(t.defaultLevel()).isEqualTo(ConfidentialityLevel.STATES_PARTIES);
            assertThat(t.deadline()).contains(MonthDay.of(5, 31));
        });
        assertThat(d.reportType("initial-report").orElseThrow().defaultLevel())
                .isEqualTo(ConfidentialityLevel.SECRETARIAT);
    }

    @Test
    void valuesAreReadWithUnits() throws Exception {
        ServerConfig c = load("""
                home: /srv/exchange
                sftp:
                  bind: "::1"
                  port: 0
                  authTimeout: 45s
                  idleTimeout: 2h
                  hostKeys: [/etc/exchange/host_key]
                limits:
                  maxFileSize: 512MiB
                  accountQuota: 1073741824
                  maxFileNameLength: 100
                  maxConcurrentUploadsPerAccount: 4
                  freeSpaceReserve: 10GiB
                  refusalNoticeRetention: 7d
                storage:
                  segmentSize: 4KiB
                  fsync: false
                """);
        assertThat(c.home()).isEqualTo(Path.of("/srv/exchange"));
        assertThat(c.sftp().bind()).isEqualTo("::1");
        assertThat(c.sftp().port()).isZero();
        assertThat(c.sftp().authTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.sftp().idleTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(c.resolveInHome(c.sftp().hostKeys().get(0))).isEqualTo(Path.of("/etc/exchange/host_key"));
        assertThat(c.limits().maxFileSize()).isEqualTo(512L << 20);
        assertThat(c.limits().accountQuota()).isEqualTo(1L << 30);
        assertThat(c.limits().maxFileNameLength()).isEqualTo(100);
        assertThat(c.limits().maxConcurrentUploadsPerAccount()).isEqualTo(4);
        assertThat(c.limits().freeSpaceReserve()).isEqualTo(10L << 30);
        assertThat(c.limits().refusalNoticeRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.storage().segmentSize()).isEqualTo(4096);
        assertThat(c.storage().fsync()).isFalse();
        // Untouched sections keep their defaults.
        assertThat(c.keys()).isEqualTo(ServerConfig.Keys.DEFAULTS);
    }

    @Test
    void relativeHomeResolvesAgainstTheWorkingDirectory() throws Exception {
        ServerConfig c = load("home: var/exchange\nregistry: etc/registry.yaml\n");
        assertThat(c.home()).isEqualTo(Path.of("").toAbsolutePath().resolve("var/exchange"));
        assertThat(c.registryFile()).isEqualTo(Path.of("").toAbsolutePath().resolve("etc/registry.yaml"));
    }

    @Test
    void overridesReturnModifiedCopies() {
        ServerConfig d = ServerConfig.defaults();
        ServerConfig moved = d.withHome(Path.of("/tmp/elsewhere"));
        assertThat(moved.resolveInHome(moved.keys().receiptKeystore())).isEqualTo(Path.of("/tmp/elsewhere/keys/receipt.p12"));
        assertThat(d.withSftpPort(0).sftp().port()).isZero();
        assertThat(d.withSftpPort(0).sftp().hostKeys()).isEqualTo(d.sftp().hostKeys());
        assertThat(d.withSftpBind("0.0.0.0").sftp().bind()).isEqualTo("0.0.0.0");
        assertThat(d.sftp().port()).as("original unchanged").isEqualTo(2222);
        assertThatThrownBy(() -> d.withSftpPort(70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sftp.port must be in 0..65535, got 70000");
        assertThatThrownBy(() -> d.withSftpBind("300.0.0.1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sftp.bind must be an IP address or host name, got '300.0.0.1'");
        assertThat(d.withSftpBind("exchange.example").sftp().bind()).isEqualTo("exchange.example");
    }

    @Test
    void missingFileIsAnError() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ServerConfigLoader.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": (file): does not exist; create it or point to an existing file");
    }

    @Test
    void syntaxErrorNamesTheLine() throws Exception {
        ConfigException e = fails("sftp:\n  port: [1\n", "(line 2)");
        assertThat(e.getMessage()).contains("not valid YAML");
    }

    @Test
    void duplicateKeyIsAnError() throws Exception {
        ConfigException e = fails("sftp:\n  port: 1\n  port: 2\n", "(line 3)");
        assertThat(e.getMessage()).contains("Duplicate field 'port'");
    }

    @Test
    void topLevelMustBeAMapping() throws Exception {
        fails("- a\n- b\n", "(top level)");
    }

    @Test
    void sectionMustBeAMapping() throws Exception {
        ConfigException e = fails("sftp: 5\n", "sftp");
        assertThat(e).hasMessageEndingWith("must be a mapping of keys to values, got 5");
    }

    @Test
    void fourEyesIsOffByDefaultAndTakesKnownLevelsOnly() throws Exception {
        assertThat(ServerConfigLoader.load(SHIPPED).release().fourEyesLevels()).isEmpty();
        assertThat(load("sftp:\n  port: 2222\n").release()).isEqualTo(ServerConfig.Release.DEFAULTS);
        assertThat(load("release:\n  fourEyes:\n    levels: [public, states-parties]\n").release().fourEyesLevels())
                .containsExactlyInAnyOrder(org.treatyexchange.sdk.wire.ConfidentialityLevel.PUBLIC,
                        org.treatyexchange.sdk.wire.ConfidentialityLevel.STATES_PARTIES);
        ConfigException e = fails("release:\n  fourEyes:\n    levels: [public, everyone]\n", "release.fourEyes.levels");
        assertThat(e.getMessage()).contains("unknown level 'everyone'");
        assertThat(fails("release:\n  fourEye:\n    levels: []\n", "release.fourEye").getMessage()).contains("did you mean 'release.fourEyes'");
    }

    @Test
    void passwordAuthenticationIsOffUnlessSwitchedOn() throws Exception {
        assertThat(ServerConfigLoader.load(SHIPPED).sftp().passwordAuthentication()).isFalse();
        assertThat(load("sftp:\n  port: 2222\n").sftp().passwordAuthentication()).isFalse();
        assertThat(load("sftp:\n  passwordAuthentication: true\n").sftp().passwordAuthentication()).isTrue();
    }

    @Test
    void unknownKeySuggestsTheNearestKnownOne() throws Exception {
        ConfigException e = fails("sftp:\n  prot: 22\n", "sftp.prot");
        assertThat(e.getMessage()).isEqualTo(dir.resolve("server.yaml") + ": sftp.prot: unknown key — did you mean "
                + "'sftp.port'? Allowed here: bind, port, authTimeout, idleTimeout, maxUnauthenticatedConnections, "
                + "hostKeys, algorithms, lockout, passwordAuthentication, perSource");
    }

    @Test
    void unknownTopLevelKeyWithoutPlausibleSuggestion() throws Exception {
        ConfigException e = fails("database: derby\n", "database");
        assertThat(e.getMessage()).contains("unknown key Allowed here: home, registry").doesNotContain("did you mean");
    }

    @Test
    void unknownKeyIsCaughtInDeepSections() throws Exception {
        ConfigException e = fails("sftp:\n  algorithms:\n    cipher: [aes256-ctr]\n", "sftp.algorithms.cipher");
        assertThat(e.getMessage()).contains("did you mean 'sftp.algorithms.ciphers'?");
        e = fails("reportTypes:\n  - id: x\n    name: X\n    level: public\n", "reportTypes[0].level");
        assertThat(e.getMessage()).contains("unknown key");
    }

    @Test
    void passwordInTheFileIsRefusedWithTheReason() throws Exception {
        ConfigException e = fails("keys:\n  password: hunter2\n", "keys.password");
        assertThat(e.getMessage()).contains("secrets never go in files under config/")
                .contains("keys.passwordEnv").doesNotContain("hunter2");
    }

    @Test
    void passwordEnvMustBeAVariableNameAndIsNotEchoed() throws Exception {
        ConfigException e = fails("keys:\n  passwordEnv: \"s3cr3t pass!\"\n", "keys.passwordEnv");
        assertThat(e.getMessage()).endsWith("must be the name of an environment variable (letters, digits and '_', "
                + "e.g. EXCHANGE_MASTER_PASSWORD), not the password itself").doesNotContain("s3cr3t");
    }

    @Test
    void passwordVariablesMustDiffer() throws Exception {
        ConfigException e = fails("keys:\n  passwordEnv: PW\n  passwordFileEnv: PW\n", "keys.passwordFileEnv");
        assertThat(e.getMessage()).contains("must differ from keys.passwordEnv");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kex|diffie-hellman-group14-sha1|SHA-1",
        "kex|diffie-hellman-group1-sha1|SHA-1",
        "kex|ecdh-sha2-nistp256|NIST P-curve",
        "ciphers|aes128-cbc|CBC mode",
        "ciphers|arcfour256|RC4",
        "ciphers|none|no encryption or integrity",
        "macs|hmac-md5|MD5",
        "macs|hmac-sha1-etm@openssh.com|SHA-1",
        "hostKeyAlgorithms|ssh-rsa|RSA with SHA-1 signatures",
        "hostKeyAlgorithms|ecdsa-sha2-nistp256|NIST P-curve",
        "publicKeyAlgorithms|ssh-dss|DSA",
    })
    void weakAlgorithmIsRefusedByName(String list, String algorithm, String reason) throws Exception {
        String good = switch (list) {
            case "kex" -> "curve25519-sha256";
            case "ciphers" -> "aes256-ctr";
            case "macs" -> "hmac-sha2-256";
            default -> "ssh-ed25519";
        };
        ConfigException e = fails("sftp:\n  algorithms:\n    " + list + ":\n      - " + good + "\n      - "
                + algorithm + "\n", "sftp.algorithms." + list + "[1]");
        assertThat(e.getMessage()).contains("'" + algorithm + "' is a weak algorithm (" + reason + ") and is refused; use ");
    }

    @Test
    void unknownAlgorithmIsRefusedWithTheAllowList() throws Exception {
        ConfigException e = fails("sftp:\n  algorithms:\n    ciphers: [aes256-gcm@openssh.com, twofish-ctr]\n",
                "sftp.algorithms.ciphers[1]");
        assertThat(e.getMessage()).endsWith("'twofish-ctr' is not an allowed cipher; allowed: aes256-gcm@openssh.com, "
                + "aes128-gcm@openssh.com, chacha20-poly1305@openssh.com, aes256-ctr, aes192-ctr, aes128-ctr");
    }

    @Test
    void algorithmListsMustBeNonEmptyAndWithoutDuplicates() throws Exception {
        fails("sftp:\n  algorithms:\n    macs: []\n", "sftp.algorithms.macs");
        ConfigException e = fails("sftp:\n  algorithms:\n    macs: [hmac-sha2-256, hmac-sha2-256]\n",
                "sftp.algorithms.macs");
        assertThat(e).hasMessageEndingWith("lists 'hmac-sha2-256' twice");
        e = fails("sftp:\n  algorithms:\n    kex: [42]\n", "sftp.algorithms.kex[0]");
        assertThat(e).hasMessageContaining("must be a string, got 42");
    }

    @Test
    void modernNonDefaultAlgorithmsAreAccepted() throws Exception {
        ServerConfig c = load("sftp:\n  algorithms:\n    kex: [curve448-sha512]\n    ciphers: [aes256-ctr]\n");
        assertThat(c.sftp().algorithms().kex()).containsExactly("curve448-sha512");
        assertThat(c.sftp().algorithms().ciphers()).containsExactly("aes256-ctr");
        assertThat(c.sftp().algorithms().macs()).isEqualTo(ServerConfig.Algorithms.DEFAULTS.macs());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sftp:\\n  port: 70000|sftp.port|must be in 0..65535, got 70000",
        "sftp:\\n  port: -1|sftp.port|must be in 0..65535, got -1",
        "sftp:\\n  port: '22'|sftp.port|must be a whole number in 0..65535, got '22'",
        "sftp:\\n  port: 22.5|sftp.port|must be a whole number in 0..65535, got 22.5",
        "sftp:\\n  bind: 300.1.1.1|sftp.bind|'300.1.1.1' is not an IP address or host name; use e.g. 127.0.0.1, ::1 or 0.0.0.0",
        "sftp:\\n  bind: 'fe80::zz'|sftp.bind|'fe80::zz' is not an IP address or host name; use e.g. 127.0.0.1, ::1 or 0.0.0.0",
        "sftp:\\n  authTimeout: 30|sftp.authTimeout|must be a duration with a unit such as 30s, 10m or 1h, got 30",
        "sftp:\\n  authTimeout: 30x|sftp.authTimeout|'30x' is not a duration; write e.g. 500ms, 30s, 10m, 1h or 1d",
        "sftp:\\n  authTimeout: 1h|sftp.authTimeout|must be between 1s and 10m, got 1h",
        "sftp:\\n  idleTimeout: 2d|sftp.idleTimeout|must be between 10s and 24h, got 2d",
        "sftp:\\n  maxUnauthenticatedConnections: 0|sftp.maxUnauthenticatedConnections|must be in 1..10000, got 0",
        "sftp:\\n  lockout:\\n    maxFailures: 0|sftp.lockout.maxFailures|must be in 1..1000, got 0",
        "sftp:\\n  lockout:\\n    window: 2d|sftp.lockout.window|must be between 1s and 24h, got 2d",
        "sftp:\\n  lockout:\\n    duration: 0s|sftp.lockout.duration|must be between 1s and 24h, got 0s",
        "sftp:\\n  perSource:\\n    maxUnauthenticatedConnections: 65|sftp.perSource.maxUnauthenticatedConnections|is 65, more than sftp.maxUnauthenticatedConnections (64): one address could then take every slot; lower it",
        "api:\\n  minDataRate: 0|api.minDataRate|must be between 1 bytes and 1GiB, got 0 bytes",
        "api:\\n  maxConnectionsPerClient: 0|api.maxConnectionsPerClient|must be in 1..10000, got 0",
        "sftp:\\n  perSource:\\n    connectionsPerSecond: 0|sftp.perSource.connectionsPerSecond|must be in 1..10000, got 0",
        "sftp:\\n  perSource:\\n    connectionBurst: 0|sftp.perSource.connectionBurst|must be in 1..100000, got 0",
        "sftp:\\n  passwordAuthentication: 'yes'|sftp.passwordAuthentication|must be true or false, got 'yes'",
        "sftp:\\n  hostKeys: []|sftp.hostKeys|must list at least one host key file, e.g. keys/ssh_host_ed25519_key",
        "sftp:\\n  hostKeys: [a, a]|sftp.hostKeys|lists 'a' twice",
        "sftp:\\n  hostKeys: keys/one|sftp.hostKeys|must be a list (lines starting with '- ')",
        "limits:\\n  maxFileSize: 2GB|limits.maxFileSize|'2GB' is ambiguous; write binary units KiB, MiB, GiB or TiB (powers of 1024)",
        "limits:\\n  maxFileSize: lots|limits.maxFileSize|'lots' is not a size; write e.g. 64KiB, 512MiB, 2GiB or a number of bytes",
        "limits:\\n  maxFileSize: 0|limits.maxFileSize|must be between 1 bytes and 1TiB, got 0 bytes",
        "limits:\\n  maxFileSize: 99999999999TiB|limits.maxFileSize|'99999999999TiB' is too large",
        "limits:\\n  maxFileSize: 4GiB\\n  accountQuota: 1GiB|limits.accountQuota|must be at least limits.maxFileSize (4GiB), otherwise a file of the allowed size could never be stored; got 1GiB",
        "limits:\\n  maxOpenHandles: 0|limits.maxOpenHandles|must be in 1..4096, got 0",
        "limits:\\n  maxSessionsPerAccount: 5000|limits.maxSessionsPerAccount|must be in 1..1024, got 5000",
        "limits:\\n  maxFileNameLength: 256|limits.maxFileNameLength|must be in 1..255, got 256",
        "limits:\\n  maxConcurrentUploadsPerAccount: 0|limits.maxConcurrentUploadsPerAccount|must be in 1..4096, got 0",
        "limits:\\n  refusalNoticeRetention: 10m|limits.refusalNoticeRetention|must be between 1h and 8784h, got 10m",
        "storage:\\n  segmentSize: 2KiB|storage.segmentSize|must be between 4KiB and 8MiB, got 2KiB",
        "storage:\\n  segmentSize: 16MiB|storage.segmentSize|must be between 4KiB and 8MiB, got 16MiB",
        "storage:\\n  fsync: maybe|storage.fsync|must be true or false, got 'maybe'",
        "demo:\\n  enabled: 1|demo.enabled|must be true or false, got 1",
        "home: ''|home|must not be empty",
        "admin:\\n  socket: [a]|admin.socket|must be a string, got a list (quote it if it looks like a number or true/false)",
    })
    void invalidValuesAreRefusedWithKeyAndFix(String yaml, String key, String problem) throws Exception {
        ConfigException e = fails(yaml.replace("\\n", "\n") + "\n", key);
        assertThat(e.getMessage()).isEqualTo(dir.resolve("server.yaml") + ": " + key + ": " + problem);
    }

    @Test
    void receiptTimestampsAreOffByDefaultAndReadWithTheirAuthoritiesCertificates() throws Exception {
        assertThat(ServerConfigLoader.load(SHIPPED).receipts().timestamping().enabled()).isFalse();
        assertThat(load("").receipts()).isEqualTo(ServerConfig.Receipts.DEFAULTS);
        ServerConfig c = load("""
                receipts:
                  timestamping:
                    urls: [ "http://tsa.example.org/tsr", "https://tsa2.example.org/" ]
                    certificates: [ keys/tsa-ca.pem ]
                    timeout: 500ms
                    retryInterval: 10s
                    maxRetryInterval: 30m
                    maxAttempts: 10
                """);
        ServerConfig.Timestamping t = c.receipts().timestamping();
        assertThat(t.enabled()).isTrue();
        assertThat(t.urls()).extracting(Object::toString).containsExactly("http://tsa.example.org/tsr", "https://tsa2.example.org/");
        assertThat(t.certificates()).containsExactly(Path.of("keys/tsa-ca.pem"));
        assertThat(t.timeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(t.maxAttempts()).isEqualTo(10);

        // without a certificate no token could be believed; an authority is reached over http(s) only
        assertThat(fails("receipts:\n  timestamping:\n    urls: [ \"http://tsa.example.org/\" ]\n", "receipts.timestamping").getMessage())
                .contains("give the PEM certificate of each authority");
        assertThat(fails("receipts:\n  timestamping:\n    urls: [ \"ftp://tsa.example.org/\" ]\n    certificates: [ a.pem ]\n",
                "receipts.timestamping").getMessage()).contains("is not an http or https URL");
        assertThat(fails("receipts:\n  timestamping:\n    urls: [ \"https://me:secret@tsa.example.org/\" ]\n    certificates: [ a.pem ]\n",
                "receipts.timestamping").getMessage()).contains("must not hold credentials").doesNotContain("secret");
        assertThat(fails("receipts:\n  timestamping:\n    timeout: 1m\n", "receipts.timestamping.timeout").getMessage())
                .contains("must be between");
    }

    @Test
    void customReportTypesReplaceTheDefaults() throws Exception {
        ServerConfig c = load("""
                reportTypes:
                  - id: biennial-report
                    name: Biennial report
                    defaultLevel: public
                    deadline: 06-30
                  - id: letter
                    name: Letter
                """);
        assertThat(c.reportTypes()).containsExactly(
                new ServerConfig.ReportType("biennial-report", "Biennial report", ConfidentialityLevel.PUBLIC,
                        Optional.of(MonthDay.of(6, 30))),
                new ServerConfig.ReportType("letter", "Letter", ConfidentialityLevel.SECRETARIAT, Optional.empty()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "- id: Annual_Report\\n  name: A|reportTypes[0].id|'Annual_Report' must be 1 to 40 lower-case letters, digits or '-', e.g. annual-report",
        "- id: a\\n  name: A\\n- id: a\\n  name: B|reportTypes[1].id|'a' is already used by reportTypes[0].id; report type ids must be unique",
        "- id: a|reportTypes[0].name|is required",
        "- name: A|reportTypes[0].id|is required",
        "- id: a\\n  name: A\\n  defaultLevel: named|reportTypes[0].defaultLevel|'named' must be public, states-parties or secretariat (named needs a list of States, which only a State's standing instruction can give)",
        "- id: a\\n  name: A\\n  defaultLevel: restricted|reportTypes[0].defaultLevel|'restricted' must be public, states-parties or secretariat",
        "- id: a\\n  name: A\\n  deadline: 13-01|reportTypes[0].deadline|'13-01' must be a month and day written MM-DD, e.g. 05-31 for 31 May",
        "- id: a\\n  name: A\\n  deadline: 5-31|reportTypes[0].deadline|'5-31' must be a month and day written MM-DD, e.g. 05-31 for 31 May",
        "[]|reportTypes|must list at least one report type; remove the key to use the defaults",
    })
    void invalidReportTypesAreRefused(String items, String key, String problem) throws Exception {
        String yaml = "reportTypes:" + (items.startsWith("[") ? " " + items : "\n" + indent(items.replace("\\n", "\n")));
        ConfigException e = fails(yaml + "\n", key);
        assertThat(e.getMessage()).isEqualTo(dir.resolve("server.yaml") + ": " + key + ": " + problem);
    }

    private static String indent(String s) {
        return s.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    @Test
    void apiDefaultsAreTheDocumentedOnes() {
        ServerConfig.Api a = ServerConfig.defaults().api();
        assertThat(a.enabled()).isTrue();
        assertThat(a.bind()).isEqualTo("127.0.0.1");
        assertThat(a.port()).isEqualTo(8443);
        assertThat(a.maxHeaderSize()).isEqualTo(16 * 1024);
        assertThat(a.maxEnvelopeSize()).isEqualTo(64 * 1024);
        assertThat(a.maxDocuments()).isEqualTo(16);
        assertThat(a.requestsPerMinute()).isEqualTo(120);
        assertThat(a.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.clockSkew()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.executorThreads()).isEqualTo(8);
        assertThat(a.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(a.tls().cipherSuites()).hasSize(9).first().isEqualTo("TLS_AES_256_GCM_SHA384");
        assertThat(a.serverNames()).containsExactly("localhost");
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.resolveInHome(d.keys().caKeystore())).isEqualTo(d.home().resolve("keys/ca.p12"));
        assertThat(d.resolveInHome(d.keys().caCertificate())).isEqualTo(d.home().resolve("keys/ca-cert.pem"));
        assertThat(d.resolveInHome(d.keys().tlsKeystore())).isEqualTo(d.home().resolve("keys/tls.p12"));
    }

    @Test
    void apiValuesAreRead() throws Exception {
        ServerConfig c = load("""
                api:
                  enabled: false
                  bind: 0.0.0.0
                  port: 0
                  maxHeaderSize: 8KiB
                  maxEnvelopeSize: 1MiB
                  maxDocuments: 0
                  requestsPerMinute: 10
                  idleTimeout: 5m
                  readTimeout: 10s
                  clockSkew: 10s
                  executorThreads: 2
                  tls:
                    protocols: [TLSv1.3]
                    cipherSuites: [TLS_CHACHA20_POLY1305_SHA256]
                  serverNames: [exchange.example.org, localhost]
                keys:
                  caKeystore: /etc/exchange/ca.p12
                  tlsKeystore: tls/server.p12
                """);
        ServerConfig.Api a = c.api();
        assertThat(a).isEqualTo(new ServerConfig.Api(false, "0.0.0.0", 0, 8 << 10, 1 << 20, 0, 10,
                Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(10), 2,
                new ServerConfig.Tls(List.of("TLSv1.3"), List.of("TLS_CHACHA20_POLY1305_SHA256")),
                List.of("exchange.example.org", "localhost")));
        assertThat(c.resolveInHome(c.keys().caKeystore())).isEqualTo(Path.of("/etc/exchange/ca.p12"));
        assertThat(c.resolveInHome(c.keys().tlsKeystore())).isEqualTo(c.home().resolve("tls/server.p12"));
        assertThat(c.keys().caCertificate()).isEqualTo(Path.of("keys/ca-cert.pem"));
        // A disabled API does not claim its port.
        assertThat(load("sftp:\n  port: 8443\napi:\n  enabled: false\n").api().port()).isEqualTo(8443);
        assertThat(load("sftp:\n  port: 0\napi:\n  port: 0\n").api().port()).isZero();
    }

    @Test
    void apiOverridesReturnModifiedCopies() {
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.withApiPort(0).withPortalPort(0).api().port()).isZero();
        assertThat(d.withApiPort(0).withPortalPort(0).api().serverNames()).isEqualTo(d.api().serverNames());
        assertThat(d.withApiBind("::").api().bind()).isEqualTo("::");
        assertThat(d.api().port()).as("original unchanged").isEqualTo(8443);
        assertThatThrownBy(() -> d.withApiPort(65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api.port must be in 0..65535, got 65536");
        assertThatThrownBy(() -> d.withApiPort(2222)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api.port and sftp.port must differ, both are 2222");
        assertThatThrownBy(() -> d.withSftpPort(8443)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api.port and sftp.port must differ, both are 8443");
        assertThatThrownBy(() -> d.withApiBind("not a host")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("api.bind must be an IP address or host name, got 'not a host'");
        assertThat(d.withApiPort(0).withPortalPort(0).withSftpPort(0).api().port()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "api:\\n  port: 2222|api.port|must differ from sftp.port (2222); the two listeners cannot share a port",
        "sftp:\\n  port: 9000\\napi:\\n  port: 9000|api.port|must differ from sftp.port (9000); the two listeners cannot share a port",
        "api:\\n  port: 65536|api.port|must be in 0..65535, got 65536",
        "api:\\n  bind: 1.2.3.256|api.bind|'1.2.3.256' is not an IP address or host name; use e.g. 127.0.0.1, ::1 or 0.0.0.0",
        "api:\\n  enabled: yes please|api.enabled|must be true or false, got 'yes please'",
        "api:\\n  maxHeaderSize: 512|api.maxHeaderSize|must be between 1KiB and 1MiB, got 512 bytes",
        "api:\\n  maxEnvelopeSize: 32MiB|api.maxEnvelopeSize|must be between 1KiB and 16MiB, got 32MiB",
        "api:\\n  maxDocuments: 1025|api.maxDocuments|must be in 0..1024, got 1025",
        "api:\\n  requestsPerMinute: 0|api.requestsPerMinute|must be in 1..100000, got 0",
        "api:\\n  idleTimeout: 500ms|api.idleTimeout|must be between 1s and 24h, got 500ms",
        "api:\\n  readTimeout: 1h|api.readTimeout|must be between 1s and 10m, got 1h",
        "api:\\n  clockSkew: 5s|api.clockSkew|must be between 10s and 24h, got 5s",
        "api:\\n  clockSkew: 2d|api.clockSkew|must be between 10s and 24h, got 2d",
        "api:\\n  executorThreads: 0|api.executorThreads|must be in 1..256, got 0",
        "api:\\n  serverNames: []|api.serverNames|must list at least one DNS name for the server certificate, e.g. localhost",
        "api:\\n  serverNames: [Exchange.Example]|api.serverNames[0]|'Exchange.Example' is not a lower-case DNS name such as exchange.example.org",
        "api:\\n  serverNames: [127.0.0.1]|api.serverNames[0]|'127.0.0.1' is not a lower-case DNS name such as exchange.example.org",
        "api:\\n  serverNames: [localhost, localhost]|api.serverNames|lists 'localhost' twice",
        "api:\\n  tls:\\n    protocols: []|api.tls.protocols|must list at least one TLS protocol; remove the key to use the defaults",
        "api:\\n  tls:\\n    protocols: [TLSv1.4]|api.tls.protocols[0]|'TLSv1.4' is not an allowed TLS protocol; allowed: TLSv1.3, TLSv1.2",
        "api:\\n  tls:\\n    protocols: [TLSv1.3, TLSv1.3]|api.tls.protocols|lists 'TLSv1.3' twice",
        "api:\\n  tls:\\n    protocols: [TLSv1.3]\\n    cipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]|api.tls.cipherSuites|lists no TLS 1.3 suite (TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256) but api.tls.protocols offers TLSv1.3",
        "api:\\n  tls:\\n    cipherSuites: [TLS_AES_128_GCM_SHA256]|api.tls.cipherSuites|lists no TLS 1.2 suite (TLS_ECDHE_...) but api.tls.protocols offers TLSv1.2; add one or offer only TLSv1.3",
        "api:\\n  tls:\\n    cipherSuites: [TLS_AES_128_CCM_SHA256]|api.tls.cipherSuites[0]|'TLS_AES_128_CCM_SHA256' is not an allowed cipher suite; allowed: TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        "api:\\n  tls: [TLSv1.3]|api.tls|must be a mapping of keys to values, got a list",
        "api:\\n  tlsVersion: TLSv1.3|api.tlsVersion|unknown key Allowed here: enabled, bind, port, maxHeaderSize, maxEnvelopeSize, maxDocuments, requestsPerMinute, idleTimeout, readTimeout, clockSkew, executorThreads, tls, serverNames, minDataRate, maxConnectionsPerClient",
        "keys:\\n  caKeystore: ''|keys.caKeystore|must not be empty",
    })
    void invalidApiValuesAreRefusedWithKeyAndFix(String yaml, String key, String problem) throws Exception {
        ConfigException e = fails(yaml.replace("\\n", "\n") + "\n", key);
        assertThat(e.getMessage()).isEqualTo(dir.resolve("server.yaml") + ": " + key + ": " + problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "protocols|SSLv3|SSL is broken (POODLE, RFC 7568)",
        "protocols|TLSv1|TLS 1.0 and 1.1 are deprecated (RFC 8996)",
        "protocols|TLSv1.1|TLS 1.0 and 1.1 are deprecated (RFC 8996)",
        "cipherSuites|TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256|CBC mode (padding-oracle attacks)",
        "cipherSuites|TLS_RSA_WITH_AES_256_GCM_SHA384|RSA key exchange, no forward secrecy",
        "cipherSuites|TLS_DHE_RSA_WITH_AES_256_GCM_SHA384|finite-field DHE key exchange (slow, weak groups in the wild)",
        "cipherSuites|TLS_ECDHE_ECDSA_WITH_AES_256_SHA|SHA-1",
        "cipherSuites|TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA|64-bit block cipher (Sweet32)",
        "cipherSuites|TLS_ECDHE_RSA_WITH_RC4_128_SHA|RC4",
        "cipherSuites|TLS_ECDHE_ECDSA_WITH_NULL_SHA|no encryption",
        "cipherSuites|SSL_RSA_EXPORT_WITH_RC4_40_MD5|export-grade key sizes",
        "cipherSuites|TLS_ECDH_anon_WITH_AES_128_GCM_SHA256|anonymous key exchange, no server authentication",
    })
    void weakTlsSettingsAreRefusedByNameWithTheReason(String list, String name, String reason) throws Exception {
        ConfigException e = fails("api:\n  tls:\n    " + list + ": [" + name + "]\n", "api.tls." + list + "[0]");
        assertThat(e.getMessage()).contains(": api.tls." + list + "[0]: '" + name + "' is refused: " + reason + "; use ");
    }

    @Test
    void aPostgresqlDatabaseIsReadWithItsTlsSettings() throws Exception {
        Path ca = dir.resolve("db-ca.pem");
        var made = org.treatyexchange.server.Processes.run(dir, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=db CA", "-keyout", dir.resolve("db-ca.key").toString(),
                "-out", ca.toString()));
        assertThat(made.exitCode()).as(made.output()).isZero();
        ServerConfig c = ServerConfigLoader.load(write("store:\n  database:\n    url: jdbc:postgresql://db.example.org:5432/exchange"
                + "?currentSchema=tx&connectTimeout=5\n    user: exchange\n    sslMode: verify-ca\n    sslRootCert: " + ca
                + "\n    poolSize: 12\n"));
        assertThat(c.database()).isEqualTo(new ServerConfig.Database("jdbc:postgresql://db.example.org:5432/exchange"
                + "?currentSchema=tx&connectTimeout=5", "exchange", "verify-ca", ca.toAbsolutePath().normalize(),
                "EXCHANGE_DATABASE_PASSWORD_FILE", 12));
        assertThat(c.database().embedded()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:derby:/tmp/x | must be empty (the embedded Derby database) or a PostgreSQL URL",
        "jdbc:postgresql://h/db?password=secret-value | must not carry 'password'",
        "jdbc:postgresql://user:secret-value@h/db | must not carry a user or password before the host",
        "jdbc:postgresql://h/db?sslmode=disable | TLS is set by store.database.sslMode",
        "jdbc:postgresql://h/db?socketFactory=x.Y | must not carry the parameter 'socketFactory'",
        "jdbc:postgresql://h/db?loggerFile=/tmp/x | must not carry the parameter 'loggerFile'"})
    void aDatabaseUrlThatCarriesASecretATlsSettingOrAPluginIsRefusedWithoutRepeatingIt(String url, String problem) throws Exception {
        ConfigException e = fails("store:\n  database:\n    url: '" + url + "'\n", "store.database.url");
        assertThat(e.getMessage()).contains(problem).doesNotContain("secret-value");
    }

    @Test
    void aBadTlsModeOrAMissingCaCertificateIsRefusedByKey() throws Exception {
        assertThat(fails("store:\n  database:\n    sslMode: prefer\n", "store.database.sslMode").getMessage())
                .contains("'prefer' must be verify-full");
        assertThat(fails("store:\n  database:\n    sslRootCert: /nonexistent/ca.pem\n", "store.database.sslRootCert").getMessage())
                .contains("no readable file");
        assertThat(fails("store:\n  database:\n    poolSize: 0\n", "store.database.poolSize")).isNotNull();
        assertThat(fails("store:\n  database:\n    passwordFileEnv: 'hunter2 is my password'\n", "store.database.passwordFileEnv")
                .getMessage()).doesNotContain("hunter2");
    }

    @Test
    void anObjectStoreIsReadWithItsBucketPrefixAndSettings() throws Exception {
        ServerConfig c = ServerConfigLoader.load(write("store:\n  blobs:\n    url: s3://exchange-docs/node-set-1\n"
                + "    endpoint: https://objects.example.org:9000\n    region: eu-central-1\n    partSize: 16MiB\n    orphanGrace: 12h\n"));
        ServerConfig.ObjectStore os = c.storage().objectStore();
        assertThat(os.enabled()).isTrue();
        assertThat(os.bucket()).isEqualTo("exchange-docs");
        assertThat(os.prefix()).isEqualTo("node-set-1/");
        assertThat(os).isEqualTo(new ServerConfig.ObjectStore("s3://exchange-docs/node-set-1", "https://objects.example.org:9000",
                "eu-central-1", "EXCHANGE_S3_CREDENTIALS_FILE", 16 << 20, java.time.Duration.ofHours(12)));
        assertThat(ServerConfigLoader.load(SHIPPED).storage().objectStore().enabled()).as("the local blob directory stays the default").isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "url | 'https://bucket.example.org/x' | must be empty (the blob directory under the home) or s3://BUCKET[/PREFIX]",
        "url | 's3://Upper_Case' | must be empty (the blob directory under the home) or s3://BUCKET[/PREFIX]",
        "url | 's3://docs/a/../b' | must be empty (the blob directory under the home) or s3://BUCKET[/PREFIX]",
        "endpoint | 'http://objects.example.org' | plain http only to a loopback address",
        "endpoint | 'https://AKID:secret-value@objects.example.org' | without user, path or query",
        "region | 'Europe West' | must be a region name",
        "partSize | 1MiB | ",
        "orphanGrace | 1m | "})
    void aBadObjectStoreSettingIsRefusedByKeyWithoutRepeatingASecret(String key, String value, String problem) throws Exception {
        ConfigException e = fails("store:\n  blobs:\n    " + key + ": " + value + "\n", "store.blobs." + key);
        assertThat(e.getMessage()).contains(problem == null ? "" : problem).doesNotContain("secret-value");
    }

    @Test
    void thePortalSectionIsReadAndCheckedAtStartUp() throws Exception {
        ServerConfig.Portal d = ServerConfig.defaults().portal();
        assertThat(d.enabled()).isTrue();
        assertThat(d.bind()).isEqualTo("127.0.0.1");
        assertThat(d.port()).isEqualTo(8444);
        assertThat(d.sessionIdle()).isEqualTo(Duration.ofMinutes(15));
        assertThat(d.sessionAbsolute()).isEqualTo(Duration.ofHours(8));
        assertThat(ServerConfigLoader.load(SHIPPED).portal()).isEqualTo(d);

        ServerConfig c = load("portal:\n  port: 9444\n  sessionIdle: 5m\n  sessionAbsolute: 1h\n  maxFormSize: 8KiB\n");
        assertThat(c.portal().port()).isEqualTo(9444);
        assertThat(c.portal().sessionIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.portal().maxFormSize()).isEqualTo(8 << 10);

        assertThat(fails("portal:\n  port: 8443\n", "portal.port").getMessage()).contains("must differ from sftp.port and api.port");
        assertThat(fails("portal:\n  port: 2222\n", "portal.port").getMessage()).contains("must differ");
        assertThat(fails("portal:\n  sessionIdle: 2h\n  sessionAbsolute: 1h\n", "portal.sessionAbsolute").getMessage())
                .contains("at least portal.sessionIdle");
        fails("portal:\n  sessionIdle: 10s\n", "portal.sessionIdle");
        fails("portal:\n  bind: 'not an address!'\n", "portal.bind");
        fails("portal:\n  colour: blue\n", "portal.colour");
        // a disabled API frees its port for the portal
        assertThat(load("api:\n  enabled: false\nportal:\n  port: 8443\n").portal().port()).isEqualTo(8443);

        assertThat(d.withPort(0).port()).isZero();
        assertThatThrownBy(() -> ServerConfig.defaults().withPortalPort(2222)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("portal.port");
        assertThat(ServerConfig.defaults().withPortalBind("::1").portal().bind()).isEqualTo("::1");
    }

    @Test
    void notificationsAreOffUnlessSmtpIsSetAndTheirSettingsAreChecked() throws Exception {
        assertThat(ServerConfig.defaults().notifications().enabled()).isFalse();
        assertThat(ServerConfigLoader.load(SHIPPED).notifications().enabled()).as("shipped off").isFalse();
        ServerConfig.Notifications n = load("""
                notifications:
                  smtp:
                    host: smtp.example.org
                    sender: exchange@example.org
                  secretariat: [registry@example.org]
                  portalUrl: https://exchange.example.org
                  reminderDays: [7, 30, 1]
                """).notifications();
        assertThat(n.enabled()).isTrue();
        ServerConfig.Smtp smtp = n.smtp().orElseThrow();
        assertThat(smtp.security()).as("STARTTLS, required, by default").isEqualTo(ServerConfig.SmtpSecurity.STARTTLS);
        assertThat(smtp.port()).isEqualTo(587);
        assertThat(smtp.credentialsFileEnv()).isEqualTo("EXCHANGE_SMTP_CREDENTIALS_FILE");
        assertThat(n.reminderDays()).containsExactly(30, 7, 1);
        assertThat(load("notifications:\n  smtp:\n    host: h.example\n    sender: a@b.example\n    security: tls\n")
                .notifications().smtp().orElseThrow().port()).isEqualTo(465);

        fails("notifications:\n  smtp:\n    host: h.example\n    sender: 'a@b.example, c@d.example'\n", "notifications.smtp.sender");
        fails("notifications:\n  smtp:\n    host: h.example\n    sender: a@b.example\n    security: ssl3\n", "notifications.smtp.security");
        fails("notifications:\n  smtp:\n    host: h.example\n    sender: a@b.example\n    password: hunter2\n", "notifications.smtp.password");
        assertThat(fails("notifications:\n  smtp:\n    host: h.example\n    sender: a@b.example\n    credentialsFileEnv: 'hunter2!'\n",
                "notifications.smtp.credentialsFileEnv").getMessage()).doesNotContain("hunter2");
        fails("notifications:\n  portalUrl: http://exchange.example.org\n", "notifications.portalUrl");
        fails("notifications:\n  secretariat: ['a@b.example\\r\\nBcc: x@y.example']\n", "notifications.secretariat");
        fails("notifications:\n  reminderDays: [0]\n", "notifications.reminderDays[0]");
    }

    @Test
    void theObligationsCalendarOfAReportTypeIsRead() throws Exception {
        List<ServerConfig.ReportType> types = load("""
                reportTypes:
                  - { id: annual-report, name: Annual, deadline: 05-31 }
                  - { id: nil-annual-report, name: Nil, deadline: 05-31, fulfils: annual-report }
                  - { id: initial-report, name: Initial, monthsAfterEntryIntoForce: 12 }
                  - { id: national-report, name: PoA, deadline: 06-30, cycleYears: 2, firstYear: 2024 }
                """).reportTypes();
        assertThat(types).extracting(ServerConfig.ReportType::isObligation).containsExactly(true, false, true, true);
        assertThat(types.get(3).schedule()).isEqualTo(new ServerConfig.Schedule(2, 2024, 0, java.util.Optional.empty()));
        fails("reportTypes:\n  - { id: a, name: A, fulfils: b }\n", "reportTypes[0].fulfils");
        fails("reportTypes:\n  - { id: a, name: A, cycleYears: 2 }\n", "reportTypes[0].cycleYears");
    }

    @Test
    void theDelegationPolicyIsReadPerActionAndWithdrawalsCannotBeMadeToWait() throws Exception {
        assertThat(ServerConfigLoader.load(SHIPPED).delegation()).isEqualTo(ServerConfig.Delegation.DEFAULTS);
        assertThat(ServerConfig.Delegation.DEFAULTS.inviteNeedsApproval()).isTrue();
        assertThat(ServerConfig.Delegation.DEFAULTS.certificateNeedsApproval()).isTrue();
        assertThat(ServerConfig.Delegation.DEFAULTS.systemAccountNeedsApproval()).isTrue(); // a new account, as an invitation
        assertThat(ServerConfig.Delegation.DEFAULTS.reinstateNeedsApproval()).isTrue(); // access given back
        ServerConfig c = load("delegation:\n  approval:\n    invite: immediate\n    registerSshKey: secretariat\n  invitationLifetime: 24h\n");
        assertThat(c.delegation().inviteNeedsApproval()).isFalse();
        assertThat(c.delegation().sshKeyNeedsApproval()).isTrue();
        assertThat(c.delegation().certificateNeedsApproval()).isTrue();
        assertThat(c.delegation().systemAccountNeedsApproval()).isTrue();
        assertThat(c.delegation().reinstateNeedsApproval()).isTrue();
        ServerConfig d = load("delegation:\n  approval:\n    addSystemAccount: immediate\n    reinstate: immediate\n");
        assertThat(d.delegation().systemAccountNeedsApproval()).isFalse();
        assertThat(d.delegation().reinstateNeedsApproval()).isFalse();
        assertThat(d.delegation().inviteNeedsApproval()).isTrue();
        assertThat(fails("delegation:\n  approval:\n    reinstate: soon\n", "delegation.approval.reinstate").getMessage())
                .contains("secretariat", "immediate");
        assertThat(c.delegation().invitationLifetime()).isEqualTo(java.time.Duration.ofHours(24));
        assertThat(fails("delegation:\n  approval:\n    revokeCertificate: secretariat\n", "delegation.approval.revokeCertificate")
                .getMessage()).contains("unknown key");
        assertThat(fails("delegation:\n  approval:\n    suspend: secretariat\n", "delegation.approval.suspend").getMessage())
                .contains("unknown key");
        assertThat(fails("delegation:\n  approval:\n    invite: later\n", "delegation.approval.invite").getMessage())
                .contains("secretariat", "immediate");
    }
}
