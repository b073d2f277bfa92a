package dev.tunnelhelper.bench.harness;

import java.util.List;

/** Round-trip samples of one measurement run, with what the first reply held. */
record Latencies(long[] samples, int agents, long replyBytes) {
    long p50() {
        return Stats.percentile(samples, 50);
    }

    long p99() {
        return Stats.percentile(samples, 99);
    }

    /** Parses "agents N", "reply_bytes B" and "sample NS" lines (thb getpeer, AppClientDriver). */
    static Latencies parse(List<String> lines, String source) {
        int agents = -1;
        long replyBytes = -1;
        long[] samples = lines.stream().filter(l -> l.startsWith("sample ")).mapToLong(l -> Long.parseLong(l.substring(7))).toArray();
        for (String l : lines) {
            if (l.startsWith("agents ")) {
                agents = Integer.parseInt(l.substring(7).trim());
            } else if (l.startsWith("reply_bytes ")) {
                replyBytes = Long.parseLong(l.substring(12).trim());
            }
        }
        if (samples.length == 0 || agents < 0) {
            throw new MeasurementException(source + " printed no samples or no agent count");
        }
        return new Latencies(samples, agents, replyBytes);
    }
}
