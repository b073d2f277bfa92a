package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.Names;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;

/**
 * Turns progress pushes into text: a bar with bytes, rate and stage while downloading. The rate
 * is the average since the download's first push, which is steadier than an instantaneous one
 * for pushes that arrive in bursts.
 */
final class ProgressLine {
    private static final int BAR_WIDTH = 28;

    private long downloadStartNanos = -1;
    private long downloadStartBytes;

    /** Call for every push, in order; {@code nowNanos} from {@link System#nanoTime()}. */
    String describe(Progress p, long nowNanos) {
        if (p.getStage() != ProgressStage.PROGRESS_STAGE_DOWNLOADING) {
            downloadStartNanos = -1;
            return "stage "
                    + Names.stage(p.getStage())
                            .toLowerCase(java.util.Locale.ROOT)
                            .replace('_', ' ');
        }
        if (downloadStartNanos < 0) {
            downloadStartNanos = nowNanos;
            downloadStartBytes = p.getBytesWritten();
        }
        double seconds = (nowNanos - downloadStartNanos) / 1e9;
        long rate = seconds < 0.05 ? 0 : (long) ((p.getBytesWritten() - downloadStartBytes) / seconds);
        StringBuilder b = new StringBuilder("downloading ");
        if (p.getBytesTotal() > 0) {
            double fraction = Math.min(1.0, (double) p.getBytesWritten() / p.getBytesTotal());
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            b.append('[')
                    .append("#".repeat(filled))
                    .append("-".repeat(BAR_WIDTH - filled))
                    .append("] ")
                    .append(String.format("%3d%% ", Math.round(fraction * 100)))
                    .append(bytes(p.getBytesWritten()))
                    .append(" / ")
                    .append(bytes(p.getBytesTotal()));
        } else {
            b.append(bytes(p.getBytesWritten())).append(" (size unknown)");
        }
        return b.append("  ").append(rate > 0 ? bytes(rate) + "/s" : "-").toString();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
