package org.treatyexchange.server.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Switches the server's logs to what a SIEM reads, on top of {@code logback.xml}: JSON lines on the console
 * (Logback's {@link JsonEncoder}), and every audit event forwarded to a syslog receiver (RFC 5424 over TCP,
 * optionally TLS). Set from the command line or environment ({@code --log-format json},
 * {@code --syslog HOST:PORT}, {@code --syslog-tls}); applied once, before the server starts.
 */
public final class SiemLogging {
    /** The appender name of the syslog forwarder (behind its async queue). */
    public static final String SYSLOG = "SYSLOG";

    private SiemLogging() {
    }

    /** Console log lines as JSON objects (one per line) instead of text. */
    public static void jsonConsole() {
        jsonConsole((LoggerContext) LoggerFactory.getILoggerFactory());
    }

    static void jsonConsole(LoggerContext context) {
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                json.setWithFormattedMessage(true); // the rendered text, as the text format shows it
                json.start();
                console.stop();
                console.setEncoder(json);
                console.start();
            }
        }
    }

    /**
     * Forwards every audit event (the {@code audit} logger: one JSON object with seq and hash per event) to
     * {@code host:port}. A queue of 1024 events in front never blocks a filing; when it is full, events are
     * dropped from the forwarder only (the chain in the database and {@code logs/audit.jsonl} keep them).
     */
    public static void forwardAudit(String host, int port, boolean tls) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        SyslogTcpAppender syslog = new SyslogTcpAppender(host, port, tls);
        syslog.setContext(context);
        syslog.setName(SYSLOG + "-TCP");
        syslog.start();
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(SYSLOG);
        async.setQueueSize(1024);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(syslog);
        async.start();
        context.getLogger("audit").addAppender(async);
    }

    /** Stops and removes the forwarder (tests; the server's own stop ends with the JVM). */
    public static void stopForwarding() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger audit = context.getLogger("audit");
        Appender<ILoggingEvent> a = audit.getAppender(SYSLOG);
        if (a != null) {
            a.stop();
            audit.detachAppender(a);
        }
    }
}
