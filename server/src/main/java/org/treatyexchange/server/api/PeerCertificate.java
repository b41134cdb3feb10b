package org.treatyexchange.server.api;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The client's TLS leaf certificate and its SHA-256 fingerprint (DER, lower-case hex), cached on the
 * channel. Tests without TLS set it with {@link #set}.
 */
record PeerCertificate(X509Certificate certificate, String fingerprint) {

    static final AttributeKey<PeerCertificate> KEY = AttributeKey.valueOf(PeerCertificate.class, "peer");

    static PeerCertificate of(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return new PeerCertificate(certificate, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the client certificate", e);
        }
    }

    static void set(Channel channel, X509Certificate certificate) {
        channel.attr(KEY).set(of(certificate));
    }

    /** The peer certificate, or null if the channel has none (no TLS, or the handshake is not done). */
    static PeerCertificate get(Channel channel) {
        PeerCertificate p = channel.attr(KEY).get();
        if (p != null) {
            return p;
        }
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return null;
            }
            p = of(leaf);
            channel.attr(KEY).set(p);
            return p;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
