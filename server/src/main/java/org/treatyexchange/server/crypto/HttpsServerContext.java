package org.treatyexchange.server.crypto;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of both HTTPS listeners (signed messages and the portal): the JDK provider, only the
 * configured protocols and suites — checked against what this JDK supports, so a typo fails at start-up,
 * not at the first handshake — and client certificates judged by {@link ClientCertificateTrust}
 * (validity only: the registry pins certificates per request or login).
 */
public final class HttpsServerContext {

    private static final Logger LOG = LoggerFactory.getLogger(HttpsServerContext.class);
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
    static final String NAMED_GROUPS = "jdk.tls.namedGroups";
    /** Key-exchange groups of at least 128-bit strength; the JDK would also offer ffdhe2048 (112-bit) and secp521r1. */
    static final String STRONG_GROUPS = "x25519,secp256r1,secp384r1,x448";

    private HttpsServerContext() {
    }

    /**
     * @param clientAuth {@link ClientAuth#REQUIRE} where every client is a registered system (the API),
     *        {@link ClientAuth#OPTIONAL} where a browser may offer one as a second factor (the portal)
     */
    public static SslContext build(PrivateKey key, List<X509Certificate> chain, List<String> protocols, List<String> cipherSuites,
            ClientAuth clientAuth, Clock clock) throws Exception {
        Objects.requireNonNull(key, "serverKey");
        // JVM-wide, so set by whichever listener starts first (the portal may run without the API)
        refuseRenegotiation();
        restrictKeyExchangeGroups();
        if (chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("the server certificate chain is empty");
        }
        Set<String> supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        for (String suite : cipherSuites) {
            if (!supported.contains(suite)) {
                throw new IllegalArgumentException("api.tls.cipherSuites: " + suite + " is not supported by this Java runtime");
            }
        }
        return SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]))
                .sslProvider(SslProvider.JDK)
                .protocols(protocols)
                .ciphers(cipherSuites, IdentityCipherSuiteFilter.INSTANCE)
                .clientAuth(clientAuth)
                .trustManager(new ClientCertificateTrust(clock))
                .build();
    }

    /**
     * TLS 1.3 has no renegotiation; for TLS 1.2 the JDK accepts a client's (secure, RFC 5746)
     * renegotiation unless {@value #REJECT_RENEGOTIATION} is true. It is read once, at the first
     * server handshake of the JVM, so it is set here (before this server's first handshake) unless the
     * operator set it; an explicit {@code false} is kept but logged, since renegotiation lets a client
     * make the server do repeated handshakes on one connection (CPU exhaustion).
     */
    static void refuseRenegotiation() {
        String v = System.getProperty(REJECT_RENEGOTIATION);
        if (v == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        } else if (!v.equalsIgnoreCase("true")) {
            LOG.warn("{}={}: TLS 1.2 clients may renegotiate (repeated handshakes on one connection)", REJECT_RENEGOTIATION, v);
        }
    }

    /**
     * Offers only key-exchange groups of at least 128-bit strength ({@value #STRONG_GROUPS}). Like
     * renegotiation, the JDK reads {@value #NAMED_GROUPS} once per JVM, at its first TLS use, so it is
     * set before a server's context is built unless the operator set it (then kept, and logged).
     */
    static void restrictKeyExchangeGroups() {
        String v = System.getProperty(NAMED_GROUPS);
        if (v == null) {
            System.setProperty(NAMED_GROUPS, STRONG_GROUPS);
        } else if (!v.equals(STRONG_GROUPS)) {
            LOG.warn("{}={} (set by the operator) replaces the default {}", NAMED_GROUPS, v, STRONG_GROUPS);
        }
    }
}
