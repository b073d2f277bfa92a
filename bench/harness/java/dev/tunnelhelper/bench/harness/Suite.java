package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The user-visible performance suite of issue 14 (docs/performance.md): every row measured
 * against its baseline in the same run, through the helper's documented endpoints, launchers and
 * files only, so it keeps measuring whatever the helper's internals become.
 *
 * <pre>bench/suite [--runs N] [--keep] [--list] [ROW...]</pre>
 */
public final class Suite {
    private final Work work;
    private final Set<RowId> selected;
    private final int runs;
    private final Map<RowId, Row> rows = new EnumMap<>(RowId.class);

    private Suite(Work work, Set<RowId> selected, int runs) {
        this.work = work;
        this.selected = selected;
        this.runs = runs;
    }

    public static void main(String[] args) throws IOException {
        Path root = null;
        int runs = 3;
        boolean keep = false;
        Set<RowId> selected = EnumSet.noneOf(RowId.class);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--runs" -> runs = i + 1 < args.length && args[i + 1].matches("[1-9][0-9]{0,2}")
                        ? Integer.parseInt(args[++i]) : badRuns();
                case "--keep" -> keep = true;
                case "--list" -> {
                    for (RowId r : RowId.values()) {
                        System.out.printf(Locale.ROOT, "%-22s %s (target %s)%n", r.id, r.what, r.target);
                    }
                    return;
                }
                default -> {
                    String id = args[i];
                    selected.add(RowId.of(id).orElseThrow(() -> usage("unknown row \"" + id + "\" (bench/suite --list names them)")));
                }
            }
        }
        if (root == null) {
            throw usage("--root is required (bench/suite passes it)");
        }
        if (selected.isEmpty()) {
            selected = EnumSet.allOf(RowId.class);
        }
        checkPrerequisites(root);
        long t0 = System.nanoTime();
        String loadBefore = Machine.load();
        List<Row> table;
        String compiler;
        try (Work work = Work.create(root, keep)) {
            compiler = work.compiler();
            System.err.println("thbench: work directory " + work.dir() + "; load " + loadBefore + "; " + runs + " runs per row");
            table = new Suite(work, selected, runs).measureAll();
        }
        System.out.println("Machine: " + Machine.describe(compiler));
        System.out.println("Load average (1, 5, 15 min): " + loadBefore + " at the start, " + Machine.load() + " at the end; "
                + runs + " runs per row; suite took " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
        System.out.println();
        Table.print(table, System.out);
        long met = table.stream().filter(r -> r.verdict() == Row.Verdict.PASS).count();
        long errors = table.stream().filter(r -> r.verdict() == Row.Verdict.ERROR).count();
        System.out.println();
        System.out.println(met + " of " + table.size() + " targets met" + (errors > 0 ? "; " + errors + " rows NOT MEASURED" : ""));
        System.exit(errors > 0 ? 1 : 0);
    }

    private List<Row> measureAll() {
        if (any(RowId.IDLE_RSS, RowId.START_CPU, RowId.START_WALL)) {
            group(() -> new FootprintRows(work, runs).measure(selected, 64, 600, 400), RowId.IDLE_RSS, RowId.START_CPU,
                    RowId.START_WALL);
        }
        row(RowId.WARM_START, () -> new StartRows(work, runs).warm(5));
        row(RowId.COLD_START, () -> new StartRows(work, runs).cold(1.25));
        if (any(RowId.PEER_STATE_100, RowId.PEER_STATE_APP_CLIENT, RowId.PEER_STATE_100_LOAD, RowId.APP_CLIENT_PING,
                RowId.PEER_STATE_10K, RowId.FAN_OUT, RowId.FAN_OUT_SUSTAINED)) {
            try (LiveSession live = LiveSession.start(work)) {
                PeerStateRows peers = new PeerStateRows(work, live, runs);
                row(RowId.PEER_STATE_100, () -> peers.raw(RowId.PEER_STATE_100, 100, 500, 2000, false, 2, 3));
                row(RowId.PEER_STATE_APP_CLIENT, () -> peers.appClient(3000, 2000, 3, 5));
                row(RowId.PEER_STATE_100_LOAD, () -> peers.raw(RowId.PEER_STATE_100_LOAD, 100, 500, 2000, true, 2, 3));
                row(RowId.APP_CLIENT_PING, () -> new PingRow(work, runs).measure(live.helper, 0.25));
                row(RowId.PEER_STATE_10K, () -> peers.raw(RowId.PEER_STATE_10K, 10_000, 30, 400, false, 3, 4));
                FanOutRows fanOut = new FanOutRows(work, live, runs);
                row(RowId.FAN_OUT, () -> fanOut.single(50));
                row(RowId.FAN_OUT_SUSTAINED, () -> fanOut.sustained(50));
            } catch (MeasurementException e) {
                for (RowId id : List.of(RowId.PEER_STATE_100, RowId.PEER_STATE_APP_CLIENT, RowId.PEER_STATE_100_LOAD,
                        RowId.APP_CLIENT_PING, RowId.PEER_STATE_10K, RowId.FAN_OUT, RowId.FAN_OUT_SUSTAINED)) {
                    if (selected.contains(id) && !rows.containsKey(id)) {
                        rows.put(id, Row.error(id, "the session could not be set up: " + e.getMessage()));
                    }
                }
            }
        }
        // Last: it uses the same tunnel control socket as the shared session, closed above.
        row(RowId.STALLED_SUBSCRIBER, () -> new StalledRow(work).measure(64));
        List<Row> table = new ArrayList<>();
        for (RowId id : RowId.values()) {
            if (rows.containsKey(id)) {
                table.add(rows.get(id));
            }
        }
        return table;
    }

    private boolean any(RowId... ids) {
        for (RowId id : ids) {
            if (selected.contains(id)) {
                return true;
            }
        }
        return false;
    }

    private void row(RowId id, Supplier<Row> measurement) {
        if (selected.contains(id)) {
            group(() -> List.of(measurement.get()), id);
        }
    }

    /** Measures rows together; a failure marks every selected one of them "not measured", with why. */
    private void group(Supplier<List<Row>> measurement, RowId... ids) {
        long t0 = System.nanoTime();
        System.err.printf(Locale.ROOT, "thbench: measuring %s (load %s)%n", String.join(", ",
                java.util.Arrays.stream(ids).filter(selected::contains).map(r -> r.id).toList()), Machine.load());
        try {
            for (Row r : measurement.get()) {
                rows.put(r.id(), r);
                System.err.printf(Locale.ROOT, "thbench:   %s: %s (ratio %s) %s%n", r.id().id, r.measured(), r.ratio(),
                        r.verdict().text);
            }
        } catch (MeasurementException e) {
            System.err.println("thbench:   failed: " + e.getMessage());
            for (RowId id : ids) {
                if (selected.contains(id)) {
                    rows.put(id, Row.error(id, e.getMessage()));
                }
            }
        }
        System.err.printf(Locale.ROOT, "thbench:   (%.0f s)%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Everything the suite needs, checked before it starts anything. */
    private static void checkPrerequisites(Path root) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (the helper runs as root here, and the extension side opens TUN devices)");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun (modprobe tun)");
        }
        String cc = Machine.compiler();
        if (!(cc.contains("/") ? Files.isExecutable(Path.of(cc)) : Machine.onPath(cc).isPresent())) {
            missing.add("a C compiler (" + cc + "; cc, or set CC; Debian: apt-get install gcc)");
        }
        for (String tool : List.of("java", "jcmd")) {
            if (!Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", tool))) {
                missing.add(tool + " in " + System.getProperty("java.home") + "/bin (a full JDK, not a JRE)");
            }
        }
        for (String module : List.of("helper", "testbed", "app-client")) {
            if (!Files.exists(root.resolve(module).resolve("target/classpath.txt"))) {
                missing.add(module + "/target/classpath.txt (run bench/suite without --no-build, or ./mvnw -q -B -DskipTests package)");
            }
        }
        if (!missing.isEmpty()) {
            System.err.println("thbench: cannot run, missing:\n  " + String.join("\n  ", missing));
            System.exit(2);
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static int badRuns() {
        throw usage("--runs takes a number from 1 to 999");
    }

    private static IllegalArgumentException usage(String why) {
        System.err.println("thbench: " + why + "\nusage: bench/suite [--no-build] [--runs N] [--keep] [--list] [ROW...]");
        System.exit(2);
        return new IllegalArgumentException(why);
    }
}
