package org.treatyexchange.server.timestamp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.tsp.TSPAlgorithms;
import org.bouncycastle.tsp.TimeStampRequest;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampResponseGenerator;
import org.bouncycastle.tsp.TimeStampTokenGenerator;

/**
 * A real RFC 3161 time-stamping authority for the tests: Bouncy Castle's TSP server classes behind the JDK's HTTP
 * server on loopback, port 0. Its CA and its own certificate (extendedKeyUsage critical timeStamping, as RFC 3161
 * 2.3 requires) are made here, and written as PEM for the server's configuration and for {@code openssl ts
 * -verify -CAfile}. It can be taken down (503), made to hang (longer than any filing waits), and brought back.
 */
final class TestTimestampAuthority implements AutoCloseable {

    enum Mode { UP, DOWN, HANG }

    static final ASN1ObjectIdentifier POLICY = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.21.1");

    private final HttpServer http;
    private final X509Certificate ca;
    private final X509Certificate tsa;
    private final Path caPem;
    private final TimeStampResponseGenerator responses;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.UP);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong serial = new AtomicLong(1);

    private TestTimestampAuthority(Path dir, String name) throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKey = ec.generateKeyPair();
        KeyPair tsaKey = ec.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=" + name + " Test TSA Root, O=Treaty Exchange Tests");
        JcaX509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), caName, caKey.getPublic());
        caBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        ca = new JcaX509CertificateConverter().getCertificate(
                caBuilder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
        JcaX509v3CertificateBuilder tsaBuilder = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))),
                new X500Name("CN=" + name + " Test TSA, O=Treaty Exchange Tests"), tsaKey.getPublic());
        tsaBuilder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        tsaBuilder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        tsaBuilder.addExtension(Extension.extendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeId.id_kp_timeStamping));
        tsa = new JcaX509CertificateConverter().getCertificate(
                tsaBuilder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));

        TimeStampTokenGenerator tokens = new TimeStampTokenGenerator(
                new JcaSimpleSignerInfoGeneratorBuilder().build("SHA256withECDSA", tsaKey.getPrivate(), tsa),
                new JcaDigestCalculatorProviderBuilder().build().get(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256)), POLICY);
        tokens.addCertificates(new JcaCertStore(List.of(tsa)));
        responses = new TimeStampResponseGenerator(tokens, TSPAlgorithms.ALLOWED);

        Files.createDirectories(dir);
        caPem = dir.resolve(name.toLowerCase(java.util.Locale.ROOT) + "-tsa-ca.pem");
        Files.writeString(caPem, pem(ca));

        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/tsa", this::answer);
        http.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        http.start();
    }

    /** A running authority named {@code name} whose CA is written under {@code dir}. */
    static TestTimestampAuthority start(Path dir, String name) throws Exception {
        return new TestTimestampAuthority(dir, name);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            switch (mode.get()) {
                case DOWN -> {
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                case HANG -> {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                default -> {
                }
            }
            byte[] reply;
            try {
                TimeStampRequest request = new TimeStampRequest(body);
                TimeStampResponse response = responses.generate(request, BigInteger.valueOf(serial.getAndIncrement()), new Date());
                reply = response.getEncoded();
            } catch (Exception e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/timestamp-reply");
            exchange.sendResponseHeaders(200, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        }
    }

    static String pem(X509Certificate certificate) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(certificate);
        }
        return s.toString();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/tsa");
    }

    /** The CA that issued the authority's certificate (PEM): the trust anchor of its tokens. */
    Path caPem() {
        return caPem;
    }

    X509Certificate ca() {
        return ca;
    }

    X509Certificate certificate() {
        return tsa;
    }

    void set(Mode m) {
        mode.set(m);
    }

    /** Requests received so far, answered or not. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
