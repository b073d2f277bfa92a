package dev.tunnelhelper.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Start-up and footprint of a fresh helper per run: wall time and CPU time (utime + stime, the
 * launcher scripts included) from the launch until app.sock accepts a connection, then the
 * idle resident set 2 s later, after a full GC.
 */
final class FootprintRows {
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private final Work work;
    private final int runs;

    FootprintRows(Work work, int runs) {
        this.work = work;
        this.runs = runs;
    }

    List<Row> measure(Set<RowId> selected, double maxRssMib, double maxCpuMillis, double maxWallMillis) {
        List<Long> wall = new ArrayList<>(), cpu = new ArrayList<>(), rss = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            loads.add(Machine.load());
            try (Helper helper = Helper.launch(work, work.smallDeployment())) {
                wall.add(helper.listenWallNanos);
                cpu.add(helper.listenCpuMillis);
                if (selected.contains(RowId.IDLE_RSS)) {
                    Proc.pause(SETTLE);
                    helper.collectGarbage(work);
                    Proc.pause(Duration.ofMillis(500));
                    rss.add(helper.rssKib());
                }
            }
        }
        String how = "a new helper per run (bin/tunnel-helper run --state-dir D --ed25519-key K), load before each run: "
                + String.join(" | ", loads);
        List<Row> rows = new ArrayList<>();
        if (selected.contains(RowId.IDLE_RSS)) {
            double m = Stats.median(rss);
            rows.add(new Row(RowId.IDLE_RSS, "—", Fmt.mib(m) + " (" + range(rss, Fmt::mib) + ")", "—",
                    Row.Verdict.of(m / 1024 <= maxRssMib), List.of("VmRSS of the helper's pid " + SETTLE.toSeconds()
                    + " s after it listened, after jcmd GC.run; runs: " + list(rss, Fmt::mib), how)));
        }
        if (selected.contains(RowId.START_CPU)) {
            double m = Stats.median(cpu);
            rows.add(new Row(RowId.START_CPU, "—", seconds(m) + " (" + range(cpu, FootprintRows::seconds) + ")", "—",
                    Row.Verdict.of(m <= maxCpuMillis), List.of("utime+stime+cutime+cstime from /proc/PID/stat at the "
                    + "first accepted connection; runs: " + list(cpu, FootprintRows::seconds), how)));
        }
        if (selected.contains(RowId.START_WALL)) {
            double m = Stats.median(wall);
            rows.add(new Row(RowId.START_WALL, "—", Fmt.time(m) + " (" + range(wall, Fmt::time) + ")", "—",
                    Row.Verdict.of(m / 1e6 <= maxWallMillis), List.of("from spawning bin/tunnel-helper to the first connect() "
                    + "app.sock accepts (polled every 1 ms); runs: " + list(wall, Fmt::time), how)));
        }
        return rows;
    }

    static String seconds(double millis) {
        return String.format(Locale.ROOT, "%.2f s", millis / 1000);
    }

    private static String range(List<Long> values, java.util.function.DoubleFunction<String> f) {
        return f.apply(Stats.min(values)) + "–" + f.apply(Stats.max(values));
    }

    private static String list(List<Long> values, java.util.function.DoubleFunction<String> f) {
        return String.join(", ", values.stream().map(v -> f.apply(v)).toList());
    }
}
