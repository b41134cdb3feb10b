package org.treatyexchange.server.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.treatyexchange.sdk.wire.InboxEntry;
import org.treatyexchange.server.application.Caller;
import org.treatyexchange.server.application.Refusal;
import org.treatyexchange.server.application.Refusal.Reason;
import org.treatyexchange.server.application.MessageIntake;

/**
 * The transport's counterpart in tests: identifies registered certificates, records what it is sent.
 * Envelopes are plain text here: {@code REPLAY...} is a resend, {@code FAIL:<REASON>} is refused with
 * that reason, {@code BOOM} throws an unexpected exception, {@code COUNT...} only counts and hashes
 * document bytes (for big uploads), anything else keeps documents in memory.
 */
class TestGateway implements ApiGateway {

    static final byte[] REPLAY_RECEIPT = "ORIGINAL-RECEIPT".getBytes(StandardCharsets.US_ASCII);

    final Map<String, Caller> registered = new ConcurrentHashMap<>();
    final AtomicInteger identifyCalls = new AtomicInteger();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<Intake> intakes = new CopyOnWriteArrayList<>();
    final List<Long> acknowledged = new CopyOnWriteArrayList<>();
    volatile RuntimeException failIdentify;

    void register(X509Certificate cert, String account, String state, boolean secretariat) {
        String fp = PeerCertificate.of(cert).fingerprint();
        registered.put(fp, new Caller(account, secretariat ? null : state, secretariat ? Caller.Role.SECRETARIAT : Caller.Role.STATE_SYSTEM, Caller.Channel.API, fp, "-"));
    }

    @Override
    public Optional<Caller> identify(X509Certificate clientCertificate, String source) {
        threads.add(Thread.currentThread().getName());
        identifyCalls.incrementAndGet();
        if (failIdentify != null) {
            throw failIdentify;
        }
        Caller c = registered.get(PeerCertificate.of(clientCertificate).fingerprint());
        return Optional.ofNullable(c).map(a -> new Caller(a.account(), a.state(), a.role(), a.channel(), a.credential(), source));
    }

    @Override
    public MessageIntake.Start startMessage(Caller client, byte[] signedEnvelope) throws Refusal {
        threads.add(Thread.currentThread().getName());
        String env = new String(signedEnvelope, StandardCharsets.UTF_8);
        if (env.startsWith("REPLAY")) {
            return new MessageIntake.Start.Replay(REPLAY_RECEIPT);
        }
        if (env.startsWith("FAIL:")) {
            throw new Refusal(Reason.valueOf(env.substring(5).strip()), "refused by the test gateway");
        }
        if (env.startsWith("BOOM")) {
            throw new IllegalStateException("secret internal detail /var/lib/treaty");
        }
        Intake intake = new Intake(client, signedEnvelope, env.startsWith("COUNT"));
        intakes.add(intake);
        return new MessageIntake.Start.Expecting(intake);
    }

    Intake lastIntake() {
        return intakes.get(intakes.size() - 1);
    }

    static final class Intake implements MessageIntake {
        final Caller client;
        final byte[] envelope;
        final boolean countOnly;
        final Map<String, ByteArrayOutputStream> documents = new LinkedHashMap<>();
        final Map<String, String> sha256 = new LinkedHashMap<>();
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger writes = new AtomicInteger();
        volatile boolean completed;
        volatile int closes;
        final List<String> ended = new ArrayList<>();

        Intake(Caller client, byte[] envelope, boolean countOnly) {
            this.client = client;
            this.envelope = envelope;
            this.countOnly = countOnly;
        }

        @Override
        public List<ExpectedDocument> expected() {
            return List.of();
        }

        @Override
        public DocumentSink document(String name) throws Refusal {
            if (documents.containsKey(name)) {
                throw new Refusal(Reason.DIGEST_MISMATCH, "document sent twice");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            documents.put(name, out);
            MessageDigest md = sha256();
            return new DocumentSink() {
                @Override
                public void write(byte[] b, int off, int len) {
                    bytes.addAndGet(len);
                    writes.incrementAndGet();
                    md.update(b, off, len);
                    if (!countOnly) {
                        out.write(b, off, len);
                    }
                }

                @Override
                public void end() {
                    ended.add(name);
                    sha256.put(name, HexFormat.of().formatHex(md.digest()));
                }
            };
        }

        @Override
        public byte[] complete() throws Refusal {
            if (ended.size() != documents.size()) {
                throw new Refusal(Reason.DIGEST_MISMATCH, "a document did not end");
            }
            completed = true;
            return ("RECEIPT:" + new String(envelope, StandardCharsets.UTF_8) + ":" + String.join(",", documents.keySet()))
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            closes++;
        }

        byte[] bytesOf(String name) {
            return documents.get(name).toByteArray();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<InboxEntry> inbox(Caller client, long after, int limit) throws Refusal {
        List<InboxEntry> all = List.of(
                new InboxEntry(5, "receipt", "m-5", "Receipt for \"annual\" report", java.time.Instant.parse("2026-05-30T10:00:00Z")),
                new InboxEntry(7, "message", "s-7", "Redistribution", java.time.Instant.parse("2026-06-01T09:00:00Z")));
        return all.stream().filter(e -> e.seq() > after).limit(limit).toList();
    }

    @Override
    public byte[] inboxItem(Caller client, long seq) throws Refusal {
        if (seq != 7) {
            throw new Refusal(Reason.NOT_FOUND, "no such inbox entry");
        }
        return ("ITEM-7-FOR-" + client.account()).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void acknowledge(Caller client, long seq) throws Refusal {
        acknowledged.add(seq);
    }

    @Override
    public byte[] sendFromSecretariat(Caller client, byte[] signedEnvelope) throws Refusal {
        if (!client.isSecretariat()) {
            throw new Refusal(Reason.FORBIDDEN, "gateway says no");
        }
        return ("SENT:" + new String(signedEnvelope, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }
}
