package dev.tunnelhelper.bench.harness;

import java.util.Locale;

/** How figures are printed: times in ms or s with three significant digits, ratios as "2.98×". */
final class Fmt {
    private Fmt() {}

    static String time(double nanos) {
        double ms = nanos / 1e6;
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f ms", ms);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.2f×", r);
    }

    static String percent(double p) {
        return String.format(Locale.ROOT, "%.1f%%", p);
    }

    static String mib(double kib) {
        return String.format(Locale.ROOT, "%.1f MiB", kib / 1024);
    }

    static String mb(double bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }
}
