package dev.tunnelhelper.bench.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One subscriber that stops reading while another keeps reading (thb stalled), on a helper of
 * its own with a 10,000-agent session: the tunnel sends full-size refreshes one after the other;
 * the helper's live heap (jcmd GC.run, then GC.heap_info) is sampled as they queue up for the
 * stalled subscriber, which reads again after the last one; the row says whether it then finds
 * SLOW_CONSUMER and the end of the stream.
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
        int stalledRead = 0;
        boolean ended = false;
        String error = "none";
        for (String l : out) {
            String[] f = l.split(" ");
            switch (f[0]) {
                case "memory" -> memory.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[3]), Long.parseLong(f[5])});
                case "update" -> {
                    updateBytes = Long.parseLong(f[3]);
                    healthy.add(Long.parseLong(f[5]));
                }
                case "stalled_read_updates" -> stalledRead = Integer.parseInt(f[1]);
                case "stalled_ended" -> ended = f[1].equals("yes");
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
        long peak = memory.stream().mapToLong(m -> m[column] - base).max().orElse(0);
        boolean slowConsumer = error.startsWith("SLOW_CONSUMER");
        // The stalled subscriber reads only after the last update: a dropped one finds a prefix
        // of the pushes, SLOW_CONSUMER and the end of the stream (docs/protocol.md §2.5).
        String measured = String.format(Locale.ROOT, "%s at most +%s while %d updates of %s were pushed (%s); ", measure,
                Fmt.mib(peak), healthy.size(), Fmt.mb(updateBytes), Fmt.mb((double) healthy.size() * updateBytes))
                + (slowConsumer && ended
                ? "reading again, the stalled subscriber got " + stalledRead + " pushes, then SLOW_CONSUMER, then the end"
                : "reading again, the stalled subscriber got " + stalledRead + " pushes, then " + (slowConsumer
                ? "SLOW_CONSUMER but no end of the stream" : "no SLOW_CONSUMER (" + error + ")" + (ended ? ", then the end" : ", still connected")));
        List<String> details = new ArrayList<>();
        details.add("after a full GC (jcmd GC.run), by updates sent: " + String.join(", ", memory.stream()
                .map(m -> m[0] + ": heap " + Fmt.mib(m[1]) + ", RSS " + Fmt.mib(m[2])).toList()));
        details.add("the reading subscriber, from the tunnel's write to its whole push: median " + Fmt.time(Stats.median(healthy))
                + ", first " + Fmt.time(healthy.get(0)) + ", last " + Fmt.time(healthy.get(healthy.size() - 1)));
        details.add("what the stalled subscriber read afterwards ended with: " + error + (ended ? ", then the end of the stream" : "")
                + " (load " + Machine.load() + ")");
        boolean pass = slowConsumer && ended && peak / 1024.0 <= maxQueuedMib;
        return new Row(RowId.STALLED_SUBSCRIBER, "—", measured, "—", Row.Verdict.of(pass), details);
    }
}
