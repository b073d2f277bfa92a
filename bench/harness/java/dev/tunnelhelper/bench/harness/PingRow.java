package dev.tunnelhelper.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code bin/app-client ping} as a user runs it, whole process, against {@code java -version}
 * (the JVM's own floor) and {@code thb ping} (a native client: process + connect + Ping).
 */
final class PingRow {
    private static final int CALLS_PER_RUN = 3;

    private final Work work;
    private final int runs;

    PingRow(Work work, int runs) {
        this.work = work;
        this.runs = runs;
    }

    Row measure(Helper helper, double maxSeconds) {
        List<Double> app = new ArrayList<>(), java = new ArrayList<>(), nativeClient = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            app.add(wall(work.launcher("app-client").toString(), "ping", "--state-dir", helper.stateDir.toString()));
            java.add(wall(Jdk.tool("java"), "-version"));
            nativeClient.add(wall(work.thb(), "ping", "--socket", helper.appSocket().toString()));
            details.add(String.format(Locale.ROOT, "run %d: app-client ping %s | java -version %s | thb ping %s (medians of %d; load %s)",
                    r + 1, Fmt.time(app.get(r)), Fmt.time(java.get(r)), Fmt.time(nativeClient.get(r)), CALLS_PER_RUN, Machine.load()));
        }
        double a = Stats.median(app), j = Stats.median(java), n = Stats.median(nativeClient);
        return new Row(RowId.APP_CLIENT_PING, "`java -version` " + Fmt.time(j) + "; native client " + Fmt.time(n), Fmt.time(a),
                Fmt.ratio(a / j) + " of `java -version`", Row.Verdict.of(a / 1e9 <= maxSeconds), details);
    }

    private double wall(String... command) {
        List<String> cmd = new ArrayList<>(List.of(work.thb(), "timecmd", "--runs", Integer.toString(CALLS_PER_RUN), "--"));
        cmd.addAll(List.of(command));
        return Stats.median(Proc.run(work, "timecmd", cmd, Duration.ofMinutes(5)).stream()
                .map(l -> Long.parseLong(l.split(" ")[2])).toList());
    }
}
