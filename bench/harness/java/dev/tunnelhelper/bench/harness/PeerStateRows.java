package dev.tunnelhelper.bench.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * GetPeerState: the helper's round trip against the two-hop floor (C client ⇄ Unix socket ⇄
 * relay ⇄ two pipes ⇄ the same C tunnel, same frames), both measured in every run, p50 and
 * p99 of each run, the figures being the medians over the runs.
 */
final class PeerStateRows {
    /** Compiled apart from the suite (bench/suite): a change in the library's API fails this row only. */
    private static final String APP_CLIENT_DRIVER = "dev.tunnelhelper.bench.harness.AppClientDriver";
    /** Calls each side makes right before a run's samples. */
    private static final int RUN_WARMUP = 500;

    private final Work work;
    private final LiveSession live;
    private final int runs;

    PeerStateRows(Work work, LiveSession live, int runs) {
        this.work = work;
        this.live = live;
        this.runs = runs;
    }

    /** The raw C client against the helper and against the floor, alternating run by run. */
    Row raw(RowId id, int agents, int warmup, int samples, boolean underLoad, double maxP50, double maxP99) {
        live.agents(agents);
        List<Proc> hogs = underLoad ? IntStream.range(0, Machine.cpus())
                .mapToObj(i -> Proc.start(work, "hog", List.of(work.thb(), "hog"), false)).toList() : List.of();
        try {
            List<Latencies> floor = new ArrayList<>(), helper = new ArrayList<>();
            List<String> loads = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                floor.add(getpeer(live.floor.socket, warmup, samples));
                helper.add(getpeer(live.helper.appSocket(), warmup, samples));
                loads.add(Machine.load());
            }
            String how = samples + " samples per run after " + warmup + " warm-up calls, each side; raw C client (thb getpeer)"
                    + (underLoad ? "; load: " + hogs.size() + " CPU-bound spinners (thb hog), one per CPU, during both sides" : "");
            return compare(id, agents, floor, helper, loads, how, maxP50, maxP99);
        } finally {
            hogs.forEach(Proc::close);
        }
    }

    /** A Java app using dev.tunnelhelper.app.HelperClient (AppClientDriver), against the same floor. */
    Row appClient(int warmup, int samples, double maxP50, double maxP99) {
        live.agents(100);
        List<String> java = new ArrayList<>(List.of(Jdk.tool("java"), "-cp", System.getProperty("java.class.path"),
                APP_CLIENT_DRIVER, live.helper.appSocket().toString(), Integer.toString(warmup)));
        try (Proc driver = Proc.start(work, "app-client-driver", java, true)) {
            driver.awaitLine("ready", Duration.ofMinutes(3));
            String[] warmed = driver.awaitLine("warmed ", Duration.ofSeconds(1)).split(" ");
            List<Latencies> floor = new ArrayList<>(), helper = new ArrayList<>();
            List<String> loads = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                // Each side warms up right before its samples (the driver has waited while the
                // floor was measured, as the floor's client is new for every run).
                floor.add(getpeer(live.floor.socket, RUN_WARMUP, samples));
                driver.send("run " + r + " " + samples + " " + RUN_WARMUP + "\n");
                driver.awaitLine("done " + r, Duration.ofMinutes(5));
                helper.add(Latencies.parse(between(driver.lines(), "begin " + r, "done " + r), "the app-client driver"));
                loads.add(Machine.load());
            }
            String how = samples + " samples per run after " + RUN_WARMUP + " warm-up calls, each side; the app side is one"
                    + " JVM calling HelperClient.peerState() on one connection, warmed when it started with " + warmed[1]
                    + " calls (at least " + warmup + ", then batches of 1000 until its JIT compiler had been idle for three in a row; "
                    + switch (warmed[2]) {
                        case "0" -> "it was";
                        case "-1" -> "this JVM does not report its compile time";
                        default -> "still " + warmed[2] + " ms of compiling in the last batch";
                    }
                    + "); the floor is measured with the raw C client";
            return compare(RowId.PEER_STATE_APP_CLIENT, 100, floor, helper, loads, how, maxP50, maxP99);
        }
    }

    private Latencies getpeer(Path socket, int warmup, int samples) {
        return Latencies.parse(Proc.run(work, "getpeer", List.of(work.thb(), "getpeer", "--socket", socket.toString(),
                "--warmup", Integer.toString(warmup), "--samples", Integer.toString(samples)), Duration.ofMinutes(10)),
                "thb getpeer on " + socket);
    }

    private static List<String> between(List<String> lines, String begin, String end) {
        return lines.subList(lines.indexOf(begin) + 1, lines.indexOf(end));
    }

    private static Row compare(RowId id, int agents, List<Latencies> floor, List<Latencies> helper, List<String> loads,
                               String how, double maxP50, double maxP99) {
        List<String> details = new ArrayList<>();
        List<Double> r50 = new ArrayList<>(), r99 = new ArrayList<>();
        for (int r = 0; r < floor.size(); r++) {
            Latencies f = floor.get(r), h = helper.get(r);
            selfCheck(agents, f, h);
            r50.add((double) h.p50() / f.p50());
            r99.add((double) h.p99() / f.p99());
            details.add(String.format(Locale.ROOT, "run %d: floor p50 %s p99 %s | helper p50 %s p99 %s | %s / %s (load %s)",
                    r + 1, Fmt.time(f.p50()), Fmt.time(f.p99()), Fmt.time(h.p50()), Fmt.time(h.p99()),
                    Fmt.ratio(r50.get(r)), Fmt.ratio(r99.get(r)), loads.get(r)));
        }
        details.add(how);
        details.add(agents + " agents; reply frame " + (helper.get(0).replyBytes() < 0 ? "(not visible through the library)"
                : helper.get(0).replyBytes() + " bytes") + " from the helper, " + floor.get(0).replyBytes() + " from the floor");
        double ratio50 = Stats.median(r50), ratio99 = Stats.median(r99);
        return new Row(id, pair(floor), pair(helper), Fmt.ratio(ratio50) + " / " + Fmt.ratio(ratio99),
                Row.Verdict.of(ratio50 <= maxP50 && ratio99 <= maxP99), details);
    }

    private static String pair(List<Latencies> runs) {
        return "p50 " + Fmt.time(Stats.median(runs.stream().map(Latencies::p50).toList())) + " / p99 "
                + Fmt.time(Stats.median(runs.stream().map(Latencies::p99).toList()));
    }

    /** Both sides must have relayed the same state: the instrument checks itself. */
    private static void selfCheck(int agents, Latencies floor, Latencies helper) {
        if (floor.agents() != agents || helper.agents() != agents) {
            throw new MeasurementException("expected " + agents + " agents in every reply; the floor sent " + floor.agents()
                    + ", the helper " + helper.agents());
        }
        if (helper.replyBytes() >= 0 && Math.abs(helper.replyBytes() - floor.replyBytes()) > 200 + floor.replyBytes() / 100) {
            throw new MeasurementException("the helper's reply (" + helper.replyBytes() + " bytes) and the floor's ("
                    + floor.replyBytes() + ") differ by more than 1%: they would not measure the same work");
        }
    }
}
