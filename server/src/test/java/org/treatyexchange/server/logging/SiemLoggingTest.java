package org.treatyexchange.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.treatyexchange.server.TestExchange;

/**
 * Logs a SIEM can take: every audit event reaches a syslog receiver listening in the test as an RFC 5424
 * message over TCP, framed by octet counting, facility log-audit; and the JSON console format writes
 * one parseable JSON object per line.
 */
class SiemLoggingTest {

    @RegisterExtension
    static final TestExchange exchange = TestExchange.perClass();

    static ServerSocket receiver;
    static final List<String> frames = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void listen() throws Exception {
        receiver = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(() -> {
            try (Socket s = receiver.accept(); DataInputStream in = new DataInputStream(s.getInputStream())) {
                while (true) {
                    StringBuilder len = new StringBuilder();
                    int c;
                    while ((c = in.read()) != ' ') {
                        if (c < 0) {
                            return;
                        }
                        len.append((char) c);
                    }
                    byte[] msg = new byte[Integer.parseInt(len.toString())];
                    in.readFully(msg);
                    frames.add(new String(msg, StandardCharsets.UTF_8));
                }
            } catch (Exception e) {
                // the receiver ends with the test
            }
        }, "syslog-receiver");
        t.setDaemon(true);
        t.start();
        SiemLogging.forwardAudit("127.0.0.1", receiver.getLocalPort(), false);
    }

    @AfterAll
    static void stop() throws Exception {
        SiemLogging.stopForwarding();
        receiver.close();
    }

    @Test
    void everyAuditEventReachesTheSyslogReceiverAsAnRfc5424Message() throws Exception {
        try (ClientSession s = exchange.login("arcadia-officer"); SftpClient sftp = exchange.sftp(s);
                OutputStream out = sftp.write("/submit/correspondence/secretariat/to-the-siem.txt")) {
            out.write("a letter".getBytes(StandardCharsets.UTF_8));
        }
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> frames.stream().anyMatch(f -> f.contains("\"filing.accepted\"")));
        String frame = frames.stream().filter(f -> f.contains("\"filing.accepted\"")).findFirst().orElseThrow();
        // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG; 110 = log audit (13) * 8 + info (6)
        assertThat(frame).matches("<110>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\S+ treaty-exchange \\d+ audit - \\{.*\\}");
        JsonNode event = new ObjectMapper().readTree(frame.substring(frame.indexOf(" - ") + 3));
        assertThat(event.path("type").asText()).isEqualTo("filing.accepted");
        assertThat(event.path("hash").asText()).matches("[0-9a-f]{64}");
        assertThat(event.path("details").path("fileName").asText()).isEqualTo("to-the-siem.txt");
    }

    @Test
    void theJsonFormatWritesOneJsonObjectPerLine() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ch.qos.logback.core.ConsoleAppender<ILoggingEvent> console = new ch.qos.logback.core.ConsoleAppender<>();
        console.setContext(context);
        LayoutWrappingEncoder<ILoggingEvent> text = new LayoutWrappingEncoder<>();
        ch.qos.logback.classic.PatternLayout layout = new ch.qos.logback.classic.PatternLayout();
        layout.setContext(context);
        layout.setPattern("%msg%n");
        layout.start();
        text.setLayout(layout);
        text.setContext(context);
        text.start();
        console.setEncoder(text);
        console.start();
        ch.qos.logback.classic.Logger logger = context.getLogger("org.treatyexchange.server.Server");
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(console);

        SiemLogging.jsonConsole(context);
        assertThat(console.isStarted()).isTrue();
        ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent(SiemLoggingTest.class.getName(), logger,
                ch.qos.logback.classic.Level.INFO, "listening on {}", null, new Object[] {"127.0.0.1:2222"});
        String encoded = new String(console.getEncoder().encode(event), StandardCharsets.UTF_8);
        List<String> lines = encoded.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("org.treatyexchange.server.Server");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("listening on 127.0.0.1:2222");
    }
}
