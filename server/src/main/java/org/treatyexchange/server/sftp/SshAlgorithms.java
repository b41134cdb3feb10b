package org.treatyexchange.server.sftp;

import java.security.KeyPair;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.compression.BuiltinCompressions;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH algorithm policy in one place: exactly the configured key exchanges, ciphers, MACs and
 * signatures (the configuration loader has already refused weak names), no compression, host keys of
 * sufficient strength, and ChaCha20-Poly1305 only with strict key exchange.
 *
 * <p>Why the last rule: the Terrapin attack (CVE-2023-48795) lets a man in the middle delete
 * messages at the start of the encrypted stream when the cipher is ChaCha20-Poly1305 (or a CBC/EtM
 * combination, which is never offered here). Strict key exchange ({@code kex-strict-*-v00@openssh.com},
 * which MINA offers and enforces whenever the client offers it too) closes that hole. A client that
 * would end up with ChaCha20-Poly1305 without strict key exchange is disconnected during the key
 * exchange; AES-GCM is not affected and stays available to such clients.
 */
final class SshAlgorithms {

    static final String STRICT_KEX_CLIENT = "kex-strict-c-v00@openssh.com";
    static final String CHACHA20 = BuiltinCiphers.cc20p1305_openssh.getName();
    /** Smallest RSA host key the server will present (NIST SP 800-57: 128-bit security). */
    static final int MIN_RSA_HOST_KEY_BITS = 3072;

    private static final Logger LOG = LoggerFactory.getLogger(SshAlgorithms.class);

    private SshAlgorithms() {
    }

    /**
     * Sets the server's algorithm lists from the settings and adds the strict-key-exchange guard.
     *
     * @throws IllegalArgumentException when a configured name is unknown to MINA or nothing of a kind is available
     */
    static void apply(SshServer sshd, SftpSettings settings) {
        sshd.setKeyExchangeFactories(kex(settings.kex()));
        sshd.setCipherFactories(named(settings.ciphers(), BuiltinCiphers::fromFactoryName, "sftp.algorithms.ciphers"));
        sshd.setMacFactories(named(settings.macs(), BuiltinMacs::fromFactoryName, "sftp.algorithms.macs"));
        sshd.setSignatureFactories(named(settings.signatures(), BuiltinSignatures::fromFactoryName, "sftp.algorithms.hostKeyAlgorithms"));
        // No compression: zlib before authentication is parser surface for anyone, and compressing
        // before encrypting leaks content through lengths (CRIME). Documents rarely compress anyway.
        sshd.setCompressionFactories(List.of(BuiltinCompressions.none));
        sshd.addSessionListener(new StrictKexGuard());
    }

    /**
     * Refuses a host key too weak to present: RSA below {@value #MIN_RSA_HOST_KEY_BITS} bits
     * (an operator-supplied file, since generated keys have exactly that size).
     */
    static void requireStrongHostKey(KeyPair pair, String file) {
        if (pair.getPublic() instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_HOST_KEY_BITS) {
            throw new IllegalArgumentException("sftp.hostKeys: " + file + " is an RSA key of " + rsa.getModulus().bitLength()
                    + " bits; at least " + MIN_RSA_HOST_KEY_BITS + " are required (delete the file to have a new one generated)");
        }
    }

    private static List<KeyExchangeFactory> kex(List<String> names) {
        List<KeyExchangeFactory> out = new ArrayList<>();
        for (String name : names) {
            BuiltinDHFactories f = BuiltinDHFactories.fromFactoryName(name);
            if (f == null) {
                throw new IllegalArgumentException("sftp.algorithms.kex: '" + name + "' is not known to this server");
            }
            if (f.isSupported()) {
                out.add(ServerBuilder.DH2KEX.apply(f));
            } else {
                LOG.warn("key exchange {} is not available in this runtime; it is left out", name);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("sftp.algorithms.kex: none of the configured key exchanges is available");
        }
        return out;
    }

    private static <T, F extends NamedFactory<T>> List<NamedFactory<T>> named(List<String> names, Function<String, F> lookup, String key) {
        List<NamedFactory<T>> out = new ArrayList<>();
        for (String name : names) {
            F f = lookup.apply(name);
            if (f == null) {
                throw new IllegalArgumentException(key + ": '" + name + "' is not known to this server");
            }
            if (!(f instanceof OptionalFeature opt) || opt.isSupported()) {
                out.add(f);
            } else {
                LOG.warn("{} {} is not available in this runtime; it is left out", key, name);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(key + ": none of the configured algorithms is available");
        }
        return out;
    }

    /**
     * Disconnects, before any key is derived, a client that negotiated ChaCha20-Poly1305 without strict
     * key exchange. Strict mode is decided by the first key exchange (MINA strips the marker from the
     * proposals it reports at the end, so it is read from the raw proposal at the start).
     */
    static final class StrictKexGuard implements SessionListener {
        private static final AttributeKey<Boolean> CLIENT_STRICT = new AttributeKey<>();

        @Override
        public void sessionNegotiationStart(Session session, Map<KexProposalOption, String> clientProposal,
                Map<KexProposalOption, String> serverProposal) {
            if (session.getAttribute(CLIENT_STRICT) == null) {
                session.setAttribute(CLIENT_STRICT, clientProposal != null && offersStrictKex(clientProposal));
            }
        }

        @Override
        public void sessionNegotiationEnd(Session session, Map<KexProposalOption, String> clientProposal,
                Map<KexProposalOption, String> serverProposal, Map<KexProposalOption, String> negotiated, Throwable reason) {
            if (reason != null || negotiated == null) {
                return;
            }
            boolean chacha = CHACHA20.equals(negotiated.get(KexProposalOption.C2SENC))
                    || CHACHA20.equals(negotiated.get(KexProposalOption.S2CENC));
            if (chacha && !Boolean.TRUE.equals(session.getAttribute(CLIENT_STRICT))) {
                LOG.warn("refusing {}: ChaCha20-Poly1305 without strict key exchange (Terrapin, CVE-2023-48795)",
                        session.getIoSession().getRemoteAddress());
                try {
                    session.disconnect(SshConstants.SSH2_DISCONNECT_KEY_EXCHANGE_FAILED,
                            "chacha20-poly1305 requires strict key exchange; update the client or prefer aes256-gcm");
                } catch (java.io.IOException e) {
                    session.close(true);
                }
            }
        }

        static boolean offersStrictKex(Map<KexProposalOption, String> clientProposal) {
            String algorithms = clientProposal.get(KexProposalOption.ALGORITHMS);
            return algorithms != null && Arrays.asList(algorithms.split(",")).contains(STRICT_KEX_CLIENT);
        }
    }
}
