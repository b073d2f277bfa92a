package dev.tunnelhelper.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One subscriber that stops reading while another keeps reading (thb stalled), on a helper of
 * its own with a 10,000-agent session: the tunnel sends full-size refreshes one after the other;
 * the helper's live heap (jcmd GC.run, then GC.heap_info) is sampled as they queue up for the
 * stalled subscriber; the row says whether and when the helper dropped it with SLOW_CONSUMER.
 */
final class StalledRow {
    private static final int UPDATES = 80;
    private static final int HEAP_EVERY = 8;

    private final Work work;

    StalledRow(Work work) {
        this.work = work;
    }

    Row measure(double maxQueuedMib) {
        Deployment deployment = work.smallDeployment();
        try (Helper helper = Helper.launch(work, deployment); Session session = Session.start(work, helper, deployment)) {
            TunnelControl.agents(work.tunnelControl(), FanOutRows.AGENTS);
            List<String> out = Proc.run(work, "stalled", List.of(work.thb(), "stalled", "--socket", helper.appSocket().toString(),
                    "--control", work.tunnelControl().toString(), "--agents", Integer.toString(FanOutRows.AGENTS), "--updates",
                    Integer.toString(UPDATES), "--heap-every", Integer.toString(HEAP_EVERY), "--helper-pid",
                    Long.toString(helper.pid), "--jcmd", Jdk.tool("jcmd")), Duration.ofMinutes(10));
            return row(out, maxQueuedMib);
        }
    }

    private static Row row(List<String> out, double maxQueuedMib) {
        List<long[]> memory = new ArrayList<>(); // {updates sent, live heap KiB, RSS KiB}
        List<Long> healthy = new ArrayList<>();
        long updateBytes = 0;
        int droppedAfter = 0;
        String error = "none";
        for (String l : out) {
            String[] f = l.split(" ");
            switch (f[0]) {
                case "memory" -> memory.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[5])});
                case "update" -> {
                    updateBytes = Long.parseLong(f[3]);
                    healthy.add(Long.parseLong(f[5]));
                }
                case "dropped_after" -> droppedAfter = Integer.parseInt(f[1]);
                case "stalled_last_error" -> error = l.substring(f[0].length() + 1);
                default -> { }
            }
        }
        // Live heap is what queued pushes occupy in a JVM; without jcmd (e.g. attach disabled)
        // the resident set's growth stands in for it, an upper bound.
        boolean heapKnown = memory.stream().allMatch(m -> m[1] > 0);
        int column = heapKnown ? 1 : 2;
        String measure = heapKnown ? "live heap" : "RSS (jcmd could not read the heap)";
        long base = memory.get(0)[column];
        int lastQueued = droppedAfter > 0 ? droppedAfter - 1 : healthy.size();
        List<long[]> queued = memory.stream().filter(m -> m[0] <= lastQueued).toList();
        long peak = queued.stream().mapToLong(m -> m[column] - base).max().orElse(0);
        long[] last = queued.get(queued.size() - 1);
        double perUpdateMb = last[0] == 0 ? 0 : (last[column] - base) * 1024.0 / last[0] / 1e6;
        boolean slowConsumer = error.startsWith("SLOW_CONSUMER");
        String measured = String.format(Locale.ROOT, "≈ %.1f MB of %s per queued %s update; ", perUpdateMb, measure,
                Fmt.mb(updateBytes)) + (droppedAfter > 0
                ? "dropped after " + droppedAfter + " updates (" + Fmt.mb((double) droppedAfter * updateBytes) + " sent), "
                + (slowConsumer ? "with SLOW_CONSUMER" : "without SLOW_CONSUMER (" + error + ")") + "; peak +" + Fmt.mib(peak)
                : "never dropped: " + healthy.size() + " updates (" + Fmt.mb((double) healthy.size() * updateBytes)
                + ") queued, +" + Fmt.mib(peak));
        List<String> details = new ArrayList<>();
        details.add("after a full GC (jcmd GC.run), by updates sent: " + String.join(", ", memory.stream()
                .map(m -> m[0] + ": heap " + Fmt.mib(m[1]) + ", RSS " + Fmt.mib(m[2])).toList()));
        details.add("the reading subscriber, from the tunnel's write to its whole push: median " + Fmt.time(Stats.median(healthy))
                + ", first " + Fmt.time(healthy.get(0)) + ", last " + Fmt.time(healthy.get(healthy.size() - 1)));
        details.add("what the stalled subscriber read afterwards ended with: " + error + " (load " + Machine.load() + ")");
        boolean pass = droppedAfter > 0 && slowConsumer && peak / 1024.0 <= maxQueuedMib;
        return new Row(RowId.STALLED_SUBSCRIBER, "—", measured, "—", Row.Verdict.of(pass), details);
    }
}
