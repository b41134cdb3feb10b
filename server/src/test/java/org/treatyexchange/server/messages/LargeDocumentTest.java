package org.treatyexchange.server.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.treatyexchange.sdk.wire.MessageReceipt;
import org.treatyexchange.sdk.wire.MessageReceiptJson;
import org.treatyexchange.server.Processes;
import org.treatyexchange.server.ServerProcess;

/**
 * Documents are streamed, never held whole: a 2 GiB document goes through a server whose heap is
 * capped at 256 MiB (and which exits on an OutOfMemoryError), over mutual TLS with curl.
 */
class LargeDocumentTest {

    static final long TWO_GIB = 2L << 30;

    @TempDir
    Path tmp;

    @Test
    void aTwoGibDocumentPassesThroughA256MibHeap() throws Exception {
        Path doc = tmp.resolve("large.bin");
        try (RandomAccessFile f = new RandomAccessFile(doc.toFile(), "rw")) {
            f.setLength(TWO_GIB); // sparse: costs no disk here; the server stores 2 GiB of ciphertext
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(doc)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        String digest = HexFormat.of().formatHex(sha.digest());

        try (ServerProcess server = ServerProcess.start(tmp.resolve("home"), "256m")) {
            Path envelope = tmp.resolve("envelope.json");
            Files.writeString(envelope, "{\"version\":1,\"messageId\":\"arc-large-1\",\"type\":\"filing\",\"state\":\"ARC\",\"createdAt\":\""
                    + Instant.now() + "\",\"level\":\"secretariat\",\"reportType\":\"annual-report\",\"period\":\"2025\","
                    + "\"title\":\"Large annex\",\"withheld\":false,\"documents\":[{\"name\":\"large.bin\",\"size\":" + TWO_GIB
                    + ",\"sha256\":\"" + digest + "\",\"mediaType\":\"application/octet-stream\"}]}");
            Path signed = tmp.resolve("envelope.p7s");
            assertThat(Processes.run(tmp, List.of("openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-in",
                    envelope.toString(), "-signer", server.demo("arcadia-system-api.cert.pem").toString(), "-inkey",
                    server.demo("arcadia-system-api.key.pem").toString(), "-out", signed.toString())).exitCode()).isZero();

            Path receipt = tmp.resolve("receipt.p7s");
            Processes.Result sent = Processes.run(tmp, List.of("curl", "-sS", "--cacert", server.caCertificate().toString(), "--cert",
                    server.demo("arcadia-system-api.cert.pem").toString(), "--key", server.demo("arcadia-system-api.key.pem").toString(),
                    "-F", "envelope=@" + signed + ";type=application/pkcs7-mime", "-F", "document=@" + doc + ";type=application/octet-stream",
                    "-o", receipt.toString(), "-w", "%{http_code}", "https://127.0.0.1:" + server.apiPort() + "/api/v1/messages"));
            assertThat(sent.output()).as(server.log()).isEqualTo("200");
            assertThat(server.isAlive()).as("the server survived with a 256 MiB heap").isTrue();
            assertThat(server.log()).doesNotContain("OutOfMemoryError");

            Path json = tmp.resolve("receipt.json");
            assertThat(Processes.opensslVerify(receipt, server.receiptCertificate(), json).exitCode()).isZero();
            MessageReceipt r = MessageReceiptJson.fromBytes(Files.readAllBytes(json));
            assertThat(r.documents()).singleElement().satisfies(d -> {
                assertThat(d.size()).isEqualTo(TWO_GIB);
                assertThat(d.sha256()).isEqualTo(digest);
            });
        }
    }
}
