package org.treatyexchange.server.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.AbstractUserAuth;
import org.apache.sshd.client.auth.UserAuth;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSessionImpl;
import org.apache.sshd.client.session.SessionFactory;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.server.TestExchange;
import org.treatyexchange.server.config.ServerConfig;

/**
 * Adversarial SSH clients against the real server: a client that offers one key and signs with
 * another, probes that must get the same answer for an unknown account as for a wrong key, repeated
 * failures that must lock out the source and the account, ChaCha20-Poly1305 without strict key
 * exchange, and raw-socket protocol abuse before authentication, each while an honest client keeps
 * being served. Every test speaks from its own loopback address (127.0.0.x) so that lockouts stay
 * apart.
 */
class SshAbuseTest {

    static final int MAX_FAILURES = 3;

    @TempDir
    static Path tmp;

    static TestExchange exchange;
    static KeyPair extraKey;   // registered to arcadia-system besides its demo key
    static KeyPair strangerKey; // registered nowhere

    @BeforeAll
    static void start() throws Exception {
        extraKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        strangerKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path registry = tmp.resolve("registry.yaml");
        String shipped = Files.readString(TestExchange.REPO.resolve("config/registry.yaml"));
        String marker = "  - name: arcadia-system\n    state: ARC\n    role: state-system\n";
        assertThat(shipped).contains(marker);
        Files.writeString(registry, shipped.replace(marker, marker + "    sshKeys:\n      - \""
                + PublicKeyEntry.toString(extraKey.getPublic()) + " extra\"\n"));
        // ChaCha20-Poly1305 is offered here (it is not by default) to prove the strict-key-exchange guard
        ServerConfig.Algorithms a = TestExchange.shippedAlgorithms();
        List<String> ciphers = new java.util.ArrayList<>(a.ciphers());
        ciphers.add("chacha20-poly1305@openssh.com");
        exchange = TestExchange.start(tmp.resolve("home"), c -> TestExchange.withRegistry(c, registry)
                .withSftp(c.sftp().withLockout(new ServerConfig.Lockout(MAX_FAILURES, Duration.ofHours(1), Duration.ofHours(1)))
                        .withAlgorithms(new ServerConfig.Algorithms(a.kex(), ciphers, a.macs(), a.hostKeyAlgorithms(), a.publicKeyAlgorithms()))));
    }

    @AfterAll
    static void stop() throws Exception {
        exchange.close();
    }

    // ---- offer one key, sign with another --------------------------------------------------

    @Test
    void aSessionIsBoundToTheKeyThatSignedNotTheOneOffered() throws Exception {
        KeyPair demo = exchange.keyPair("arcadia-system");
        // Offer the demo key (the server answers PK_OK), then sign with the other registered key.
        Scripted script = new Scripted(List.of(Step.query(demo), Step.signed(extraKey, extraKey)));
        try (ClientSession s = connect("arcadia-system", "127.0.0.11", script)) {
            s.auth().verify(Duration.ofSeconds(10));
            assertThat(script.answers).containsExactly("PK_OK");
            try (SftpClient sftp = exchange.sftp(s)) {
                assertThat(sftp.canonicalPath(".")).isEqualTo("/");
            }
        }
        String logins = auditLines("auth.success", "arcadia-system");
        assertThat(logins).contains(KeyUtils.getFingerPrint(extraKey.getPublic()))
                .doesNotContain(KeyUtils.getFingerPrint(demo.getPublic()));
    }

    @Test
    void aSignatureByAnotherKeyThanTheOneClaimedIsRefused() throws Exception {
        KeyPair demo = exchange.keyPair("arcadia-system");
        // Claim the registered key but sign with one registered nowhere; then claim a key of another account.
        Scripted script = new Scripted(List.of(Step.query(demo), Step.signed(demo, strangerKey),
                Step.signed(exchange.keyPair("borealia-system"), exchange.keyPair("borealia-system"))));
        try (ClientSession s = connect("arcadia-system", "127.0.0.12", script)) {
            assertThatThrownBy(() -> s.auth().verify(Duration.ofSeconds(10))).isInstanceOf(IOException.class);
            assertThat(s.isAuthenticated()).isFalse();
        }
        assertThat(script.answers).containsExactly("PK_OK", "FAILURE publickey", "FAILURE publickey");
    }

    @Test
    void anUnknownAccountAndAWrongKeyGetTheSameAnswer() throws Exception {
        List<List<String>> answers = new ArrayList<>();
        String[][] cases = {{"nobody-at-all", "127.0.0.13"}, {"borealia-officer", "127.0.0.14"}};
        for (String[] c : cases) {
            Scripted script = new Scripted(List.of(Step.query(strangerKey), Step.signed(strangerKey, strangerKey)));
            try (ClientSession s = connect(c[0], c[1], script)) {
                assertThatThrownBy(() -> s.auth().verify(Duration.ofSeconds(10))).isInstanceOf(IOException.class);
            }
            answers.add(script.answers);
        }
        assertThat(answers.get(0)).containsExactly("FAILURE publickey", "FAILURE publickey");
        assertThat(answers.get(1)).isEqualTo(answers.get(0));
    }

    // ---- lockout ---------------------------------------------------------------------------

    @Test
    void repeatedFailuresLockOutTheSourceAndTheAccountButNobodyElse() throws Exception {
        // Three failed logins for calvera-officer from 127.0.0.21 (a wrong key each time).
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertThatThrownBy(() -> login("calvera-officer", strangerKey, "127.0.0.21")).isInstanceOf(IOException.class);
        }
        // the source is locked out, even for another account with its right key
        assertThatThrownBy(() -> login("sylvania-officer", exchange.keyPair("sylvania-officer"), "127.0.0.21"))
                .isInstanceOf(IOException.class);
        // the account is locked out, even from another source with its right key
        assertThatThrownBy(() -> login("calvera-officer", exchange.keyPair("calvera-officer"), "127.0.0.22"))
                .isInstanceOf(IOException.class);
        // everyone else is served
        try (ClientSession s = login("sylvania-officer", exchange.keyPair("sylvania-officer"), "127.0.0.22")) {
            assertThat(s.isAuthenticated()).isTrue();
        }
        String lockouts = auditLines("auth.lockout", "");
        assertThat(lockouts).contains("127.0.0.21").contains("calvera-officer");
        assertThat(auditLines("auth.failure", "calvera-officer")).contains("locked-out");
    }

    @Test
    void anAccountThatProvesItsKeyStartsCountingAfresh() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < MAX_FAILURES - 1; i++) {
                String source = "127.0.0." + (31 + round * 10 + i);
                assertThatThrownBy(() -> login("calvera-system", strangerKey, source)).isInstanceOf(IOException.class);
            }
            try (ClientSession s = login("calvera-system", exchange.keyPair("calvera-system"), "127.0.0.30")) {
                assertThat(s.isAuthenticated()).isTrue();
            }
        }
    }

    // ---- ChaCha20-Poly1305 needs strict key exchange (Terrapin) ------------------------------

    @Test
    void chacha20WithoutStrictKeyExchangeIsRefusedButAesGcmIsNot() throws Exception {
        assertThat(login(legacyClient(BuiltinCiphers.cc20p1305_openssh), "127.0.0.41")).isFalse();
        assertThat(login(legacyClient(BuiltinCiphers.aes256gcm), "127.0.0.41")).isTrue();
        SshClient modern = SshClient.setUpDefaultClient();
        modern.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        modern.setCipherFactories(List.of(BuiltinCiphers.cc20p1305_openssh));
        assertThat(login(modern, "127.0.0.41")).isTrue();
    }

    /** A client that does not offer strict key exchange (as before OpenSSH 9.6), with one cipher. */
    static SshClient legacyClient(NamedFactory<Cipher> cipher) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setCipherFactories(List.of(cipher));
        client.setSessionFactory(new SessionFactory(client) {
            @Override
            protected ClientSessionImpl doCreateSession(IoSession io) throws Exception {
                return new ClientSessionImpl(getClient(), io) {
                    @Override
                    protected Map<KexProposalOption, String> doStrictKexProposal(Map<KexProposalOption, String> proposal) {
                        return proposal;
                    }
                };
            }
        });
        return client;
    }

    static boolean login(SshClient client, String source) throws Exception {
        client.start();
        try (ClientSession s = client.connect("sylvania-system", "127.0.0.1", exchange.port(), null, new InetSocketAddress(source, 0))
                .verify(Duration.ofSeconds(10)).getSession()) {
            s.addPublicKeyIdentity(exchange.keyPair("sylvania-system"));
            try {
                s.auth().verify(Duration.ofSeconds(10));
                return s.isAuthenticated();
            } catch (IOException e) {
                return false;
            }
        } catch (IOException e) {
            return false;
        } finally {
            client.stop();
        }
    }

    // ---- protocol abuse before authentication -------------------------------------------------

    @Test
    void protocolAbuseBeforeAuthenticationIsDroppedWhileOthersAreServed() throws Exception {
        ExecutorService honest = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> served = honest.submit(() -> {
                int logins = 0;
                for (int i = 0; i < 5; i++) {
                    try (ClientSession s = exchange.login("borealia-system"); SftpClient sftp = exchange.sftp(s)) {
                        sftp.readDir("/receipts").forEach(e -> { });
                        logins++;
                    }
                }
                return logins;
            });
            Map<String, byte[]> abuse = new java.util.LinkedHashMap<>();
            abuse.put("channel open before key exchange", packet(channelOpen()));
            abuse.put("service request before key exchange", packet(serviceRequest("ssh-connection")));
            abuse.put("user auth before key exchange", packet(userAuthNone()));
            abuse.put("oversized packet", oversizedPacket());
            abuse.put("KEXINIT with an absurd name-list length", packet(kexinitWithBadLength()));
            abuse.put("truncated KEXINIT", packet(java.util.Arrays.copyOf(kexinit("curve25519-sha256"), 30)));
            abuse.put("KEXINIT offering only weak algorithms", packet(kexinit("diffie-hellman-group1-sha1")));
            int source = 50;
            Map<String, Boolean> closed = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, byte[]> e : abuse.entrySet()) {
                closed.put(e.getKey(), sendAfterBanner("127.0.0." + source++, e.getValue()));
            }
            closed.put("no banner, 64 KiB of zeros", closedAfterGarbageBanner("127.0.0." + source));
            // closed at once, not merely at the authentication timeout (30 s, longer than the socket's 20 s)
            assertThat(closed).as("closed by the server").doesNotContainValue(false);
            assertThat(served.get(60, TimeUnit.SECONDS)).isEqualTo(5);
        } finally {
            honest.shutdownNow();
        }
        try (ClientSession s = exchange.login("borealia-system")) {
            assertThat(s.isAuthenticated()).isTrue();
        }
    }

    /** Exchanges banners, sends {@code bytes}, and tells whether the server closed the connection. */
    static boolean sendAfterBanner(String source, byte[] bytes) throws IOException {
        try (Socket socket = socketFrom(source)) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(readLine(in)).startsWith("SSH-2.0-");
            out.write("SSH-2.0-Probe_1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(bytes);
                out.flush();
            } catch (java.net.SocketException e) {
                return true; // closed by the server while we were still writing
            }
            return closedByServer(in);
        }
    }

    static boolean closedAfterGarbageBanner(String source) throws IOException {
        try (Socket socket = socketFrom(source)) {
            socket.getOutputStream().write(new byte[64 * 1024]); // no banner, just zeros
            socket.getOutputStream().flush();
            return closedByServer(socket.getInputStream());
        } catch (java.net.SocketException e) {
            return true; // reset while we were still writing: closed all the same
        }
    }

    static Socket socketFrom(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", exchange.port()), 10_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** Reads (and discards) what the server sends until it closes; false if it keeps the connection open. */
    static boolean closedByServer(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        try {
            while (in.read(buf) >= 0) {
                // the server's KEXINIT and perhaps a DISCONNECT
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // connection reset by the server
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** An unencrypted binary packet (RFC 4253 §6) around {@code payload}. */
    static byte[] packet(byte[] payload) throws IOException {
        int padding = 8 - ((payload.length + 5) % 8);
        if (padding < 4) {
            padding += 8;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(payload.length + padding + 1);
        out.writeByte(padding);
        out.write(payload);
        out.write(new byte[padding]);
        return bytes.toByteArray();
    }

    /**
     * A packet that claims 2 GiB, followed by 300 KiB of junk: MINA (like OpenSSH) reads on for a
     * random while before it disconnects, so that the moment of disconnection reveals nothing.
     */
    static byte[] oversizedPacket() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x7FFF_FFF0);
        out.writeByte(4);
        out.write(new byte[300 * 1024]);
        return bytes.toByteArray();
    }

    static byte[] channelOpen() {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putByte(SshConstants.SSH_MSG_CHANNEL_OPEN);
        b.putString("session");
        b.putInt(0);
        b.putInt(1 << 20);
        b.putInt(32 << 10);
        return b.getCompactData();
    }

    static byte[] serviceRequest(String service) {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putByte(SshConstants.SSH_MSG_SERVICE_REQUEST);
        b.putString(service);
        return b.getCompactData();
    }

    static byte[] userAuthNone() {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putByte(SshConstants.SSH_MSG_USERAUTH_REQUEST);
        b.putString("arcadia-officer");
        b.putString("ssh-connection");
        b.putString("none");
        return b.getCompactData();
    }

    static byte[] kexinit(String kex) {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putByte(SshConstants.SSH_MSG_KEXINIT);
        b.putRawBytes(new byte[16]);
        for (String list : List.of(kex, "ssh-ed25519", "aes256-gcm@openssh.com", "aes256-gcm@openssh.com",
                "hmac-sha2-256-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "none", "none", "", "")) {
            b.putString(list);
        }
        b.putBoolean(false);
        b.putInt(0);
        return b.getCompactData();
    }

    static byte[] kexinitWithBadLength() {
        ByteArrayBuffer b = new ByteArrayBuffer();
        b.putByte(SshConstants.SSH_MSG_KEXINIT);
        b.putRawBytes(new byte[16]);
        b.putInt(0xFFFF_FFF0); // a name-list that claims 4 GiB
        b.putRawBytes("curve25519-sha256".getBytes(StandardCharsets.US_ASCII));
        return b.getCompactData();
    }

    // ---- helpers -------------------------------------------------------------------------

    static ClientSession login(String account, KeyPair key, String source) throws IOException {
        return exchange.login(account, key, source);
    }

    /** A session whose only authentication method is {@code script} (a client of its own: MINA fixes the methods per client). */
    static ClientSession connect(String account, String source, Scripted script) throws IOException {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setUserAuthFactories(List.of(script));
        client.start();
        ClientSession s = client.connect(account, "127.0.0.1", exchange.port(), null, new InetSocketAddress(source, 0))
                .verify(Duration.ofSeconds(10)).getSession();
        s.addCloseFutureListener(f -> client.stop());
        return s;
    }

    /** The audit export's lines of one event type that mention {@code who}. */
    static String auditLines(String type, String who) throws IOException {
        Path out = tmp.resolve("audit-" + System.nanoTime() + ".jsonl");
        assertThat(exchange.admin("export-audit", "-o", out.toString())).startsWith("0\n");
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(out)) {
            if (line.contains("\"type\":\"" + type + "\"") && line.contains(who)) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * One hand-written public-key authentication request: a query (no signature) for a key, or a
     * signed request that names {@code claimed} but carries a signature made by {@code signer}.
     */
    record Step(KeyPair claimed, KeyPair signer) {
        static Step query(KeyPair key) {
            return new Step(key, null);
        }

        static Step signed(KeyPair claimed, KeyPair signer) {
            return new Step(claimed, signer);
        }
    }

    /**
     * A client-side "publickey" method that sends the given steps in order, whatever the server
     * answers, and records the answers: PK_OK, or FAILURE with the methods the server still allows.
     */
    static final class Scripted implements UserAuthFactory {
        final List<Step> steps;
        final List<String> answers = Collections.synchronizedList(new ArrayList<>());

        Scripted(List<Step> steps) {
            this.steps = steps;
        }

        @Override
        public String getName() {
            return "publickey";
        }

        @Override
        public UserAuth createUserAuth(ClientSession session) {
            return new AbstractUserAuth("publickey") {
                private int next;

                @Override
                protected boolean sendAuthDataRequest(ClientSession s, String service) throws Exception {
                    if (next >= steps.size()) {
                        return false;
                    }
                    send(s, service, steps.get(next++));
                    return true;
                }

                @Override
                protected boolean processAuthDataRequest(ClientSession s, String service, Buffer buffer) throws Exception {
                    int cmd = buffer.getUByte();
                    answers.add(cmd == SshConstants.SSH_MSG_USERAUTH_PK_OK ? "PK_OK" : "message " + cmd);
                    return sendAuthDataRequest(s, service);
                }

                @Override
                public void signalAuthMethodFailure(ClientSession s, String service, boolean partial, List<String> methods,
                        Buffer buffer) {
                    answers.add("FAILURE " + String.join(",", methods) + (partial ? " partial" : ""));
                }
            };
        }

        static void send(ClientSession s, String service, Step step) throws Exception {
            String alg = KeyUtils.getKeyType(step.claimed().getPublic());
            Buffer b = s.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
            b.putString(s.getUsername());
            b.putString(service);
            b.putString("publickey");
            b.putBoolean(step.signer() != null);
            b.putString(alg);
            b.putPublicKey(step.claimed().getPublic());
            if (step.signer() != null) {
                ByteArrayBuffer data = new ByteArrayBuffer();
                data.putBytes(s.getSessionId());
                data.putByte(SshConstants.SSH_MSG_USERAUTH_REQUEST);
                data.putString(s.getUsername());
                data.putString(service);
                data.putString("publickey");
                data.putBoolean(true);
                data.putString(alg);
                data.putPublicKey(step.claimed().getPublic());
                Signature signer = BuiltinSignatures.ed25519.create();
                signer.initSigner(s, step.signer().getPrivate());
                signer.update(s, data.getCompactData());
                ByteArrayBuffer sig = new ByteArrayBuffer();
                sig.putString(alg);
                sig.putBytes(signer.sign(s));
                b.putBytes(sig.getCompactData());
            }
            s.writePacket(b);
        }
    }
}
