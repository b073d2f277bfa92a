package dev.tunnelhelper.bench.harness;

import java.util.Arrays;
import java.util.Optional;

/** The rows of issue 14's table, each with its target; the id selects it on the command line. */
enum RowId {
    PEER_STATE_100("peer-state-100", "GetPeerState, 100 agents, helper only (raw C client) p50 / p99", "≤ 2× / ≤ 3×"),
    PEER_STATE_100_LOAD("peer-state-100-load", "GetPeerState, 100 agents, helper only, under load p50 / p99", "≤ 2× / ≤ 3×"),
    PEER_STATE_APP_CLIENT("peer-state-app-client", "GetPeerState, 100 agents, through the app-client library p50 / p99",
            "≤ 3× / ≤ 5×"),
    PEER_STATE_10K("peer-state-10k", "GetPeerState, 10,000 agents, helper only p50 / p99", "≤ 3× / ≤ 4×"),
    WARM_START("warm-start", "warm start: StartDaemon → RUNNING, binary cached and verified", "≤ +5 ms"),
    COLD_START("cold-start", "cold start: StartDaemon → RUNNING, 64 MiB binary, empty cache", "≤ 1.25×"),
    FAN_OUT("fan-out", "one 10,000-agent update to 100 subscribers (% of raw throughput)", "≥ 50%"),
    FAN_OUT_SUSTAINED("fan-out-sustained", "the same, one update every 1.5 s (% of raw; does it keep up?)",
            "≥ 50%, keeps up"),
    STALLED_SUBSCRIBER("stalled-subscriber", "one stalled subscriber (another keeps reading)",
            "queued ≤ 64 MiB, then dropped with SLOW_CONSUMER"),
    IDLE_RSS("idle-rss", "helper idle RSS", "≤ 64 MiB"),
    START_CPU("start-cpu", "helper CPU until app.sock listens", "≤ 0.6 s"),
    START_WALL("start-wall", "helper wall time until app.sock listens", "≤ 400 ms (quiet machine)"),
    APP_CLIENT_PING("app-client-ping", "`bin/app-client ping`, wall per call", "≤ 0.25 s");

    final String id;
    final String what;
    final String target;

    RowId(String id, String what, String target) {
        this.id = id;
        this.what = what;
        this.target = target;
    }

    static Optional<RowId> of(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
    }
}
