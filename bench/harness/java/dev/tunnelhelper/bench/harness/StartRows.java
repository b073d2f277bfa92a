package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * StartDaemon → RUNNING as the network extension sees it (thb ext: TUN fd opened before the
 * clock starts, ApplyNetworkSettings answered with success at once), warm and cold.
 */
final class StartRows {
    private static final int STARTS_PER_RUN = 5;
    private static final int JVM_FLOOR_RUNS = 12;

    private final Work work;
    private final int runs;

    StartRows(Work work, int runs) {
        this.work = work;
        this.runs = runs;
    }

    /**
     * Warm: the second and later starts on one helper (binary cached and verified by the first),
     * against thb direct-start: the same tunnel spawned + handshake + start by a C manager.
     */
    Row warm(double maxExtraMillis) {
        Deployment deployment = work.smallDeployment();
        try (Helper helper = Helper.launch(work, deployment)) {
            List<Long> first = starts(helper, deployment, 1);
            List<Double> helperMedians = new ArrayList<>(), directMedians = new ArrayList<>(), extra = new ArrayList<>();
            List<String> details = new ArrayList<>();
            details.add("first start on this helper (downloads and verifies the " + deployment.size + "-byte binary): "
                    + Fmt.time(first.get(0)));
            for (int r = 0; r < runs; r++) {
                double h = Stats.median(starts(helper, deployment, STARTS_PER_RUN));
                double d = Stats.median(directStarts());
                helperMedians.add(h);
                directMedians.add(d);
                extra.add(h - d);
                details.add(String.format(Locale.ROOT, "run %d: direct %s | helper %s | +%s (medians of %d starts each; load %s)",
                        r + 1, Fmt.time(d), Fmt.time(h), Fmt.ms(h - d), STARTS_PER_RUN, Machine.load()));
            }
            double h = Stats.median(helperMedians), d = Stats.median(directMedians), x = Stats.median(extra);
            return new Row(RowId.WARM_START, "direct spawn + handshake + start: " + Fmt.time(d),
                    Fmt.time(h) + " (+" + Fmt.ms(x) + ")", Fmt.ratio(h / d), Row.Verdict.of(x / 1e6 <= maxExtraMillis), details);
        }
    }

    /**
     * Cold: a fresh helper (empty binary directory) starting against the 64 MiB deployment,
     * against thb fetch: the same URL downloaded to a file, then SHA-256 of the file.
     */
    Row cold(double maxRatio) {
        Deployment deployment = work.largeDeployment();
        List<Double> helper = new ArrayList<>(), baseline = new ArrayList<>(), ratios = new ArrayList<>();
        List<String> details = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long start;
            try (Helper fresh = Helper.launch(work, deployment)) {
                start = starts(fresh, deployment, 1).get(0);
                checkDownloaded(fresh.stateDir, deployment.size);
            }
            Path download = work.fresh("download");
            List<String> fetch = Proc.run(work, "fetch", List.of(work.thb(), "fetch", "--url", deployment.binaryUrl, "--out",
                    download.toString()), Duration.ofMinutes(5));
            if (!fetch.contains("sha256 " + deployment.sha256) || !fetch.contains("bytes " + deployment.size)) {
                throw new MeasurementException("thb fetch did not get the deployment's binary: " + fetch);
            }
            Optional<Long> sha256sum = sha256sum(download);
            delete(download);
            long total = Output.value(fetch, "total_ns");
            helper.add((double) start);
            baseline.add((double) total);
            ratios.add((double) start / total);
            String reference = sha256sum.map(s -> "; `sha256sum` alone " + Fmt.time(s) + ", the helper "
                    + Fmt.ratio((double) start / s) + " of it").orElse("");
            details.add(String.format(Locale.ROOT, "run %d: download %s + SHA-256 (%s) %s = %s | helper %s | %s%s (load %s)",
                    r + 1, Fmt.time(Output.value(fetch, "download_ns")), Output.text(fetch, "sha256_impl"),
                    Fmt.time(Output.value(fetch, "hash_ns")), Fmt.time(total), Fmt.time(start), Fmt.ratio(ratios.get(r)),
                    reference, Machine.load()));
        }
        details.add("each run: a new helper (empty state directory) started and listening, then one StartDaemon");
        details.addAll(jvmFloor(deployment, Stats.median(baseline)));
        double ratio = Stats.median(ratios);
        return new Row(RowId.COLD_START, "download + SHA-256 of the file: " + Fmt.time(Stats.median(baseline)),
                Fmt.time(Stats.median(helper)), Fmt.ratio(ratio), Row.Verdict.of(ratio <= maxRatio), details);
    }

    /**
     * What the download phase alone costs a warmed JVM (JvmDownloadFloor), against this run's
     * baseline: how far below the target the helper could get if nothing in it were used for the
     * first time, with the digests it computes and with the signature's pass alone.
     */
    private List<String> jvmFloor(Deployment deployment, double baseline) {
        List<String> lines = new ArrayList<>();
        for (String digests : List.of("none", "sha256", "sha512", "all")) {
            Path out = work.fresh("floor");
            List<String> floor = Proc.run(work, "jvm-floor", List.of(Jdk.tool("java"), "-cp", System.getProperty("java.class.path"),
                    JvmDownloadFloor.class.getName(), "--url", deployment.binaryUrl, "--out", out.toString(), "--runs",
                    Integer.toString(JVM_FLOOR_RUNS), "--digests", digests), Duration.ofMinutes(5));
            delete(out);
            long median = Output.value(floor, "median_ns");
            lines.add(String.format(Locale.ROOT, "a warmed JVM, download + write%s: %s, %s of the baseline (JvmDownloadFloor, median of runs %d-%d of %d)",
                    switch (digests) {
                        case "none" -> " alone";
                        case "sha256" -> " + SHA-256 (the baseline's pass)";
                        case "sha512" -> " + SHA-512 (the Ed25519 signature's pass)";
                        default -> " + SHA-1, SHA-256 and SHA-512 (the helper's digests)";
                    }, Fmt.time(median), Fmt.ratio(median / baseline), JVM_FLOOR_RUNS / 2 + 1, JVM_FLOOR_RUNS, JVM_FLOOR_RUNS));
        }
        return lines;
    }

    /** {@code n} starts (each followed by a stop) on one extension connection; StartDaemon → result, in ns. */
    private List<Long> starts(Helper helper, Deployment deployment, int n) {
        return Proc.run(work, "ext", List.of(work.thb(), "ext", "--socket", helper.extensionSocket().toString(), "--url",
                deployment.url, "--runs", Integer.toString(n)), Duration.ofMinutes(10)).stream()
                .filter(l -> l.startsWith("start ")).map(l -> Long.parseLong(l.split(" ")[2])).toList();
    }

    private List<Long> directStarts() {
        return Proc.run(work, "direct-start", List.of(work.thb(), "direct-start", "--binary", work.tunnelPath().toString(),
                "--runs", Integer.toString(STARTS_PER_RUN), "--control", work.fresh("direct.ctl").toString()),
                Duration.ofMinutes(5)).stream().map(l -> Long.parseLong(l.split(" ")[2])).toList();
    }

    /** The ordinary reference the issue quoted, when the machine has it (coreutils). */
    private Optional<Long> sha256sum(Path file) {
        return Machine.onPath("sha256sum").map(tool -> Long.parseLong(Proc.run(work, "sha256sum", List.of(work.thb(),
                "timecmd", "--runs", "1", "--", tool.toString(), file.toString()), Duration.ofMinutes(2)).get(0).split(" ")[2]));
    }

    /** The download really happened: a file of the binary's size is in the helper's state directory. */
    private static void checkDownloaded(Path stateDir, long size) {
        try (var files = Files.walk(stateDir)) {
            if (files.filter(Files::isRegularFile).noneMatch(f -> sizeOf(f) == size)) {
                throw new MeasurementException("no " + size + "-byte binary under " + stateDir + " after the cold start");
            }
        } catch (IOException e) {
            throw new MeasurementException("cannot list " + stateDir + ": " + e.getMessage());
        }
    }

    private static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new MeasurementException("cannot delete " + f + ": " + e.getMessage());
        }
    }
}
