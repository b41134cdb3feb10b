package org.treatyexchange.server.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVM-wide TLS hardening comes with the context either HTTPS listener builds, so the portal started
 * without the API gets it too. (The JDK reads these properties once; restoring them here affects no other test.)
 */
class HttpsServerContextTest {
    static final char[] PASSWORD = "tls-pass".toCharArray();
    static final List<String> PROTOCOLS = List.of("TLSv1.3");
    static final List<String> SUITES = List.of("TLS_AES_256_GCM_SHA384");

    @TempDir
    Path dir;
    private String renegotiation;
    private String groups;

    @BeforeEach
    void clearTheJvmWideSettings() {
        renegotiation = System.clearProperty(HttpsServerContext.REJECT_RENEGOTIATION);
        groups = System.clearProperty(HttpsServerContext.NAMED_GROUPS);
    }

    @AfterEach
    void restoreThem() {
        restore(HttpsServerContext.REJECT_RENEGOTIATION, renegotiation);
        restore(HttpsServerContext.NAMED_GROUPS, groups);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    private IssuedCredential credential() throws Exception {
        LocalCertificateAuthority ca = LocalCertificateAuthority.openOrCreate(dir.resolve("ca.p12"), dir.resolve("ca.pem"), PASSWORD,
                "Test CA", Clock.systemUTC());
        return TlsCredentials.openOrCreate(ca, dir.resolve("tls.p12"), PASSWORD, List.of("localhost"), List.of("127.0.0.1"));
    }

    @Test
    void thePortalsOptionalClientCertificateContextAlsoRefusesRenegotiationAndWeakGroups() throws Exception {
        IssuedCredential tls = credential();
        HttpsServerContext.build(tls.key(), tls.chain(), PROTOCOLS, SUITES, ClientAuth.OPTIONAL, Clock.systemUTC());
        assertThat(System.getProperty(HttpsServerContext.REJECT_RENEGOTIATION)).isEqualTo("true");
        assertThat(System.getProperty(HttpsServerContext.NAMED_GROUPS)).isEqualTo(HttpsServerContext.STRONG_GROUPS);
    }

    @Test
    void anOperatorsOwnChoiceOfGroupsIsKept() throws Exception {
        System.setProperty(HttpsServerContext.NAMED_GROUPS, "x25519");
        IssuedCredential tls = credential();
        HttpsServerContext.build(tls.key(), tls.chain(), PROTOCOLS, SUITES, ClientAuth.REQUIRE, Clock.systemUTC());
        assertThat(System.getProperty(HttpsServerContext.NAMED_GROUPS)).isEqualTo("x25519");
    }

    @Test
    void aSuiteThisJavaDoesNotKnowIsRefusedAtStartUpWithTheSettingsName() throws Exception {
        IssuedCredential tls = credential();
        assertThatThrownBy(() -> HttpsServerContext.build(tls.key(), tls.chain(), PROTOCOLS, List.of("TLS_NO_SUCH_SUITE"),
                ClientAuth.REQUIRE, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("api.tls.cipherSuites: TLS_NO_SUCH_SUITE");
    }
}
