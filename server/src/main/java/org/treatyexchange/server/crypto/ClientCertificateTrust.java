package org.treatyexchange.server.crypto;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any well-formed client leaf certificate that is valid now, without a CA: States bring their
 * own certificates and the registry pins them, so who the client is gets decided per request by
 * the edge (API: per request; portal: at login), not here. Refuses an empty chain and an expired or not-yet-valid
 * leaf (the handshake fails). The TLS handshake itself proves the client holds the private key.
 * Never trusts a server (this trust manager is only for client authentication).
 */
public final class ClientCertificateTrust extends X509ExtendedTrustManager {

    private final Clock clock;

    public ClientCertificateTrust(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0 || chain[0] == null) {
            throw new CertificateException("no client certificate");
        }
        X509Certificate leaf = chain[0];
        leaf.checkValidity(Date.from(clock.instant()));
        if (leaf.getPublicKey() == null || leaf.getSubjectX500Principal() == null) {
            throw new CertificateException("malformed client certificate");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager authenticates clients only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    /** None: the certificate request names no CA, so clients offer the certificate they were registered with. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
