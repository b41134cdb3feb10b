package org.treatyexchange.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Talks to a running server's admin channel. One request per call. */
public final class AdminClient {

    private final Path socket;

    public AdminClient(Path socket) {
        this.socket = socket;
    }

    /** The server's answer: ok with a result, or an error text and its reason code. */
    public record Answer(boolean ok, JsonNode result, String error, String reason) {
    }

    /** Sends a request such as {@code {"op":"verify-audit"}}. */
    public Answer call(ObjectNode request) throws IOException {
        try (SocketChannel ch = connect();
                InputStream in = new BufferedInputStream(Channels.newInputStream(ch))) {
            OutputStream out = Channels.newOutputStream(ch);
            AdminProtocol.writeLine(out, request);
            return answer(AdminProtocol.readLine(in, AdminProtocol.MAX_ANSWER_LINE));
        }
    }

    /** Exports a filing's decrypted document into {@code sink}. */
    public Answer export(String filingId, OutputStream sink) throws IOException {
        return stream(AdminProtocol.MAPPER.createObjectNode().put("op", "export").put("id", filingId), sink);
    }

    /** Sends a request whose answer is streamed (an export) and copies the stream into {@code sink}. */
    public Answer stream(ObjectNode request, OutputStream sink) throws IOException {
        try (SocketChannel ch = connect();
                InputStream in = new BufferedInputStream(Channels.newInputStream(ch))) {
            AdminProtocol.writeLine(Channels.newOutputStream(ch), request);
            JsonNode header = AdminProtocol.readLine(in, AdminProtocol.MAX_ANSWER_LINE);
            if (!header.path("stream").asBoolean(false)) {
                return answer(header);
            }
            AdminProtocol.copyFrames(in, sink);
            return answer(AdminProtocol.readLine(in, AdminProtocol.MAX_ANSWER_LINE));
        }
    }

    public static ObjectNode request(String op) {
        return AdminProtocol.MAPPER.createObjectNode().put("op", op);
    }

    private SocketChannel connect() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot reach the server's admin channel at " + socket + " (is the server running with this EXCHANGE_HOME?)", e);
        }
        return ch;
    }

    private static Answer answer(JsonNode n) {
        return new Answer(n.path("ok").asBoolean(false), n.get("result"), n.path("error").asText(null), n.path("reason").asText(null));
    }
}
