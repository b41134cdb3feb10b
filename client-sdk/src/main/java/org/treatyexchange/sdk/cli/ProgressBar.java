package org.treatyexchange.sdk.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.treatyexchange.sdk.ProgressListener;

/** A one-line progress bar redrawn in place on a terminal (never used when output is not a terminal). */
final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private final PrintWriter err;
    private int lastPercent = -1;
    private String lastName;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void transferred(String name, long done, long total) {
        int percent = total <= 0 ? 100 : (int) (done * 100 / total);
        if (percent == lastPercent && name.equals(lastName)) {
            return;
        }
        lastPercent = percent;
        lastName = name;
        int filled = percent * WIDTH / 100;
        err.print(String.format(Locale.ROOT, "\r%-24.24s [%s%s] %3d%% %s", name, "#".repeat(filled), " ".repeat(WIDTH - filled), percent,
                mib(done) + "/" + mib(total)));
        if (done >= total) {
            err.println();
        }
        err.flush();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
