package dev.tunnelhelper.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fan-out of a 10,000-agent update (the tunnel refreshing every agent) to 100 subscribers:
 * from the tunnel's first byte written to the last subscriber having read the whole push,
 * against raw writes of the same push frame by one process to 100 connected Unix sockets read by
 * the same reader (thb fanout-raw). Throughput relative to raw is raw time / helper time.
 */
final class FanOutRows {
    static final int SUBSCRIBERS = 100;
    static final int AGENTS = 10_000;
    private static final int SUSTAINED_UPDATES = 10;
    private static final int INTERVAL_MS = 1500;

    private final Work work;
    private final LiveSession live;
    private final int runs;
    private final List<Double> raw = new ArrayList<>();
    private long frameBytesSeen;

    FanOutRows(Work work, LiveSession live, int runs) {
        this.work = work;
        this.live = live;
        this.runs = runs;
    }

    Row single(double minPercent) {
        live.agents(AGENTS);
        List<Double> helper = new ArrayList<>(), percent = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            List<String> h = subscribers(1, 0);
            double rawNanos = rawOnce(frameBytes(h));
            double helperNanos = Output.value(updates(h).get(0), "last_ns");
            helper.add(helperNanos);
            percent.add(100 * rawNanos / helperNanos);
            details.add(String.format(Locale.ROOT, "run %d: raw %s | helper %s (first subscriber done after %s) | %s (load %s)",
                    r + 1, Fmt.time(rawNanos), Fmt.time(helperNanos), Fmt.time(Output.value(updates(h).get(0), "first_ns")),
                    Fmt.percent(percent.get(r)), Machine.load()));
        }
        details.add(SUBSCRIBERS + " subscribers, push frame " + Fmt.mb(frameBytesSeen) + " each ("
                + Fmt.mb(frameBytesSeen * SUBSCRIBERS) + " in all), " + AGENTS + " agents refreshed");
        double p = Stats.median(percent);
        return new Row(RowId.FAN_OUT, "raw writes to " + SUBSCRIBERS + " Unix sockets: " + Fmt.time(Stats.median(raw)),
                Fmt.time(Stats.median(helper)), Fmt.percent(p) + " of raw", Row.Verdict.of(p >= minPercent), details);
    }

    /** One series of updates every 1.5 s; each update's time from being asked of the tunnel to the last subscriber. */
    Row sustained(double minPercent) {
        live.agents(AGENTS);
        List<String> out = subscribers(SUSTAINED_UPDATES, INTERVAL_MS);
        while (raw.size() < runs) {
            rawOnce(frameBytes(out));
        }
        double rawNanos = Stats.median(raw);
        List<Long> latency = updates(out).stream().map(l -> Output.value(l, "last_from_due_ns")).toList();
        double median = Stats.median(latency);
        long late = latency.stream().filter(l -> l >= INTERVAL_MS * 1_000_000L).count();
        String backlog = late == 0 ? "keeps up" : "falls behind (" + late + " of " + latency.size() + " late)";
        double p = 100 * rawNanos / median;
        List<String> details = new ArrayList<>();
        details.add(SUSTAINED_UPDATES + " updates of " + AGENTS + " agents, one every " + INTERVAL_MS + " ms, to " + SUBSCRIBERS
                + " subscribers; per update, from asking the tunnel to the last subscriber done: "
                + String.join(", ", latency.stream().map(Fmt::time).toList()) + " (load " + Machine.load() + ")");
        details.add("an update is late when it was still being delivered as the next one was due; " + late + " were");
        return new Row(RowId.FAN_OUT_SUSTAINED, "raw: " + Fmt.time(rawNanos) + " per update",
                Fmt.time(median) + " per update (median; first " + Fmt.time(latency.get(0)) + ", last "
                        + Fmt.time(latency.get(latency.size() - 1)) + "); " + backlog,
                Fmt.percent(p) + " of raw", Row.Verdict.of(p >= minPercent && late == 0), details);
    }

    private List<String> subscribers(int updates, int intervalMs) {
        List<String> out = Proc.run(work, "subscribers", List.of(work.thb(), "subscribers", "--socket",
                live.helper.appSocket().toString(), "--control", work.tunnelControl().toString(), "--count",
                Integer.toString(SUBSCRIBERS), "--agents", Integer.toString(AGENTS), "--updates", Integer.toString(updates),
                "--interval-ms", Integer.toString(intervalMs)), Duration.ofMinutes(10));
        frameBytesSeen = frameBytes(out);
        return out;
    }

    private double rawOnce(long expectedFrameBytes) {
        List<String> out = Proc.run(work, "fanout-raw", List.of(work.thb(), "fanout-raw", "--count", Integer.toString(SUBSCRIBERS),
                "--agents", Integer.toString(AGENTS)), Duration.ofMinutes(5));
        if (frameBytes(out) != expectedFrameBytes) {
            throw new MeasurementException("the raw baseline wrote " + frameBytes(out) + "-byte frames, the helper pushed "
                    + expectedFrameBytes + ": they would not measure the same work");
        }
        double nanos = Output.value(updates(out).get(0), "last_ns");
        raw.add(nanos);
        return nanos;
    }

    private static long frameBytes(List<String> out) {
        return Output.value(out, "frame_bytes");
    }

    /** The "update K first_ns A last_ns B last_from_due_ns C" lines, each as key/value lines. */
    private static List<List<String>> updates(List<String> out) {
        return out.stream().filter(l -> l.startsWith("update ")).map(l -> {
            String[] f = l.split(" ");
            List<String> kv = new ArrayList<>();
            for (int i = 2; i + 1 < f.length; i += 2) {
                kv.add(f[i] + " " + f[i + 1]);
            }
            return kv;
        }).toList();
    }
}
