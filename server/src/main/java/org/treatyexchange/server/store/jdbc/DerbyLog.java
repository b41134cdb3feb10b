package org.treatyexchange.server.store.jdbc;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Not API. Derby's error stream, sent to SLF4J instead of a {@code derby.log} file in the working
 * directory. Public only because Derby finds it by reflection through the system property
 * {@code derby.stream.error.field}.
 */
public final class DerbyLog {
    private static final Logger log = LoggerFactory.getLogger(DerbyLog.class);

    /** Read by Derby (see {@code derby.stream.error.field}); writes one log entry per line. */
    public static final OutputStream STREAM = new LineStream();

    private DerbyLog() {
    }

    private static final class LineStream extends OutputStream {
        private static final int MAX_LINE = 8192;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
            } else if (b != '\r' && line.size() < MAX_LINE) {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            emit();
        }

        private void emit() {
            if (line.size() > 0) {
                log.info("{}", line.toString(StandardCharsets.UTF_8));
                line.reset();
            }
        }
    }
}
