package org.treatyexchange.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends each event as an RFC 5424 syslog message over TCP (optionally TLS, RFC 5425), framed by octet
 * counting (RFC 6587 3.4.1): {@code LEN SP <110>1 TIMESTAMP HOST treaty-exchange PID audit - MSG}. Facility
 * 13 (log audit), severity from the level. Connects lazily and again after a failure; an event that cannot
 * be sent after one reconnect is dropped with a Logback status message (the audit chain in the database
 * stays the record). Runs behind an {@link ch.qos.logback.classic.AsyncAppender} so that a slow receiver
 * never holds a filing's commit.
 */
final class SyslogTcpAppender extends AppenderBase<ILoggingEvent> {
    private static final int FACILITY_LOG_AUDIT = 13;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private final String host;
    private final int port;
    private final boolean tls;
    private final String hostname;
    private final String procId = Long.toString(ProcessHandle.current().pid());
    private Socket socket;
    private OutputStream out;

    SyslogTcpAppender(String host, int port, boolean tls) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        String h;
        try {
            h = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = "-";
        }
        this.hostname = h.isEmpty() ? "-" : h.replace(' ', '-');
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] frame = frame(event);
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (out == null) {
                    connect();
                }
                out.write(frame);
                out.flush();
                return;
            } catch (IOException e) {
                disconnect();
                if (attempt == 1) {
                    addError("syslog " + host + ":" + port + " unreachable; audit event not forwarded: " + e.getMessage());
                }
            }
        }
    }

    byte[] frame(ILoggingEvent event) {
        int severity = switch (event.getLevel().toInt()) {
            case ch.qos.logback.classic.Level.ERROR_INT -> 3;
            case ch.qos.logback.classic.Level.WARN_INT -> 4;
            case ch.qos.logback.classic.Level.INFO_INT -> 6;
            default -> 7;
        };
        String message = "<" + (FACILITY_LOG_AUDIT * 8 + severity) + ">1 " + TIME.format(Instant.ofEpochMilli(event.getTimeStamp())) + " "
                + hostname + " treaty-exchange " + procId + " " + event.getLoggerName() + " - "
                + event.getFormattedMessage().replace('\n', ' ');
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] length = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[length.length + body.length];
        System.arraycopy(length, 0, frame, 0, length.length);
        System.arraycopy(body, 0, frame, length.length, body.length);
        return frame;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(host, port), 5_000);
        if (tls) {
            SSLSocket ssl = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(s, host, port, true);
            javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the receiver's certificate must name the host
            p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            s = ssl;
        }
        socket = s;
        out = s.getOutputStream();
    }

    private void disconnect() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing a broken connection
        }
        socket = null;
        out = null;
    }

    @Override
    public void stop() {
        disconnect();
        super.stop();
    }
}
