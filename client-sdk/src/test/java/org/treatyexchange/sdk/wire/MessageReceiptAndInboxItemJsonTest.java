package org.treatyexchange.sdk.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MessageReceiptAndInboxItemJsonTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final String A = "aa".repeat(32);
    private static final String B = "bb".repeat(32);
    private static final Instant AT = Instant.parse("2026-11-23T03:16:11.042Z");

    static MessageReceipt stateReceipt() {
        return new MessageReceipt(1, MessageReceipt.Kind.MESSAGE, "ARC-1", "ARC", "arcadia-system", A, B, AT,
                ConfidentialityLevel.PUBLIC, "annual-report", "2024-2025",
                List.of(new MessageReceipt.FiledDocument("20261123T031611042Z-7KQ2M9XW4D", "r.pdf", 5, A)), List.of());
    }

    static MessageReceipt secretariatReceipt() {
        return new MessageReceipt(1, MessageReceipt.Kind.SECRETARIAT_MESSAGE, "SEC-1", null, "secretariat", A, B, AT,
                null, null, null, List.of(), List.of("ARC", "BOR"));
    }

    static InboxItem distribution() {
        return new InboxItem(1, InboxItem.Kind.DISTRIBUTION, "D-1", "BOR", AT, "Report of ARC", null,
                List.of(new DocumentInfo("r.pdf", 5, A, "application/pdf")), "F-1", ConfidentialityLevel.STATES_PARTIES);
    }

    @Test
    void messageReceiptsRoundTripWithExactCanonicalBytes() throws Exception {
        for (MessageReceipt r : List.of(stateReceipt(), secretariatReceipt())) {
            assertThat(MessageReceiptJson.fromBytes(MessageReceiptJson.toBytes(r))).isEqualTo(r);
        }
        assertThat(new String(MessageReceiptJson.toBytes(secretariatReceipt()), StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":1,\"kind\":\"secretariat-message\",\"messageId\":\"SEC-1\",\"state\":null,\"account\":\"secretariat\","
                        + "\"signerFingerprint\":\"" + A + "\",\"envelopeSha256\":\"" + B + "\",\"receivedAt\":\"2026-11-23T03:16:11.042Z\","
                        + "\"level\":null,\"reportType\":null,\"period\":null,\"documents\":[],\"recipients\":[\"ARC\",\"BOR\"]}");
        assertThat(new String(MessageReceiptJson.toBytes(stateReceipt()), StandardCharsets.UTF_8)).contains(
                "\"documents\":[{\"filingId\":\"20261123T031611042Z-7KQ2M9XW4D\",\"name\":\"r.pdf\",\"size\":5,\"sha256\":\"" + A + "\"}],\"recipients\":[]}");
    }

    @Test
    void messageReceiptRules() throws Exception {
        receiptBreaks(stateReceipt(), n -> n.put("extra", true), "message receipt has an unknown field");
        receiptBreaks(stateReceipt(), n -> n.put("kind", "filing"), "message receipt field 'kind' is not a known kind");
        receiptBreaks(stateReceipt(), n -> n.putNull("state"), "message receipt: state is required");
        receiptBreaks(stateReceipt(), n -> n.putArray("recipients").add("BOR"), "message receipt: recipients must be empty for a State's message");
        receiptBreaks(secretariatReceipt(), n -> n.put("state", "ARC"), "message receipt: state must be null for a secretariat-message");
        receiptBreaks(secretariatReceipt(), n -> n.putArray("recipients"), "message receipt: recipients must not be empty");
        receiptBreaks(stateReceipt(), n -> n.put("signerFingerprint", "SHA256:abc"), "message receipt: signerFingerprint must be 64 lower-case hex digits");
        receiptBreaks(stateReceipt(), n -> n.put("envelopeSha256", A.substring(1)), "message receipt: envelopeSha256 must be 64 lower-case hex digits");
        receiptBreaks(stateReceipt(), n -> n.put("account", ""), "message receipt: account must be 1 to 128 characters");
        receiptBreaks(stateReceipt(), n -> n.put("receivedAt", "yesterday"), "message receipt field 'receivedAt' must be an ISO-8601 UTC instant ending in Z");
        receiptBreaks(stateReceipt(), n -> ((ObjectNode) n.withArray("documents").get(0)).put("filingId", "../x"),
                "message receipt: document filingId must be 1 to 128 characters of A-Z a-z 0-9 . _ : -");
        receiptBreaks(stateReceipt(), n -> ((ObjectNode) n.withArray("documents").get(0)).put("mediaType", "a/b"),
                "message receipt document has an unknown field");
        receiptBreaks(stateReceipt(), n -> n.put("version", 2), "unsupported message receipt version 2");
    }

    @Test
    void inboxItemsRoundTripWithExactCanonicalBytes() throws Exception {
        InboxItem message = new InboxItem(1, InboxItem.Kind.SECRETARIAT_MESSAGE, "SEC-1", "ARC", AT, "Circular", "Line 1\nLine 2",
                List.of(), null, null);
        for (InboxItem i : List.of(distribution(), message)) {
            assertThat(InboxItemJson.fromBytes(InboxItemJson.toBytes(i))).isEqualTo(i);
        }
        assertThat(new String(InboxItemJson.toBytes(distribution()), StandardCharsets.UTF_8)).isEqualTo(
                "{\"version\":1,\"kind\":\"distribution\",\"id\":\"D-1\",\"to\":\"BOR\",\"createdAt\":\"2026-11-23T03:16:11.042Z\","
                        + "\"title\":\"Report of ARC\",\"body\":null,\"documents\":[{\"name\":\"r.pdf\",\"size\":5,\"sha256\":\"" + A + "\","
                        + "\"mediaType\":\"application/pdf\"}],\"filingId\":\"F-1\",\"level\":\"states-parties\"}");
    }

    @Test
    void inboxItemRules() throws Exception {
        itemBreaks(n -> n.put("extra", 1), "inbox item has an unknown field");
        itemBreaks(n -> n.put("kind", "message"), "inbox item field 'kind' is not a known kind");
        itemBreaks(n -> n.put("to", "all-states-parties"), "inbox item: to must be an ISO 3166 alpha-3 code in upper case");
        itemBreaks(n -> n.putNull("filingId"), "inbox item: filingId is required");
        itemBreaks(n -> n.put("kind", "secretariat-message"), "inbox item: filingId must be null for a secretariat-message");
        itemBreaks(n -> n.put("title", "x".repeat(301)), "inbox item: title must be 1 to 300 characters");
        itemBreaks(n -> n.put("level", "top-secret"), "inbox item field 'level' is not a known level");
        itemBreaks(n -> ((ObjectNode) n.withArray("documents").get(0)).put("name", "a/../b"),
                "inbox item: document name: the file name contains a path separator");
        assertThatThrownBy(() -> InboxItemJson.fromBytes(new byte[InboxItem.MAX_BYTES + 1])).hasMessage("inbox item exceeds 131072 bytes");
    }

    private static void receiptBreaks(MessageReceipt r, Consumer<ObjectNode> mutation, String message) throws Exception {
        ObjectNode n = (ObjectNode) M.readTree(MessageReceiptJson.toBytes(r));
        mutation.accept(n);
        byte[] bytes = M.writeValueAsBytes(n);
        assertThatThrownBy(() -> MessageReceiptJson.fromBytes(bytes)).isInstanceOf(WireFormatException.class).hasMessage(message);
    }

    private static void itemBreaks(Consumer<ObjectNode> mutation, String message) throws Exception {
        ObjectNode n = (ObjectNode) M.readTree(InboxItemJson.toBytes(distribution()));
        mutation.accept(n);
        byte[] bytes = M.writeValueAsBytes(n);
        assertThatThrownBy(() -> InboxItemJson.fromBytes(bytes)).isInstanceOf(WireFormatException.class).hasMessage(message);
    }
}
