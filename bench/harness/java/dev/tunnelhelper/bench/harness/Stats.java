package dev.tunnelhelper.bench.harness;

import java.util.Arrays;
import java.util.List;

/** Percentiles (nearest rank) and medians. */
final class Stats {
    private Stats() {}

    /** Nearest-rank percentile of unsorted values. */
    static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double median(List<? extends Number> values) {
        return median(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    static double max(List<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).max().orElseThrow();
    }

    static double min(List<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).min().orElseThrow();
    }
}
