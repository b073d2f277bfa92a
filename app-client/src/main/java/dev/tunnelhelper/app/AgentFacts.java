package dev.tunnelhelper.app;

import com.google.protobuf.Timestamp;
import dev.tunnelhelper.protocol.vpn.Agent;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the table and the JSON say about one agent, derived once from the raw message and "now",
 * so both outputs agree.
 *
 * @param stale no handshake at all, or none for {@link #STALE_AFTER}: the peer is probably unreachable
 */
public record AgentFacts(
        Optional<Instant> lastHandshake,
        Optional<Duration> handshakeAge,
        boolean stale,
        Optional<Duration> latency,
        Optional<Boolean> p2p,
        Optional<String> preferredDerp) {

    /** WireGuard re-handshakes every 2 minutes while traffic flows; 5 minutes without one means trouble. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(5);

    public static AgentFacts of(Agent agent, Instant now) {
        Optional<Instant> handshake = agent.hasLastHandshake() && !isZero(agent.getLastHandshake())
                ? Optional.of(Instant.ofEpochSecond(
                        agent.getLastHandshake().getSeconds(),
                        agent.getLastHandshake().getNanos()))
                : Optional.empty();
        Optional<Duration> age = handshake.map(h -> {
            Duration d = Duration.between(h, now);
            return d.isNegative() ? Duration.ZERO : d;
        });
        boolean stale = age.map(a -> a.compareTo(STALE_AFTER) >= 0).orElse(true);
        if (!agent.hasLastPing()) {
            return new AgentFacts(handshake, age, stale, Optional.empty(), Optional.empty(), Optional.empty());
        }
        var ping = agent.getLastPing();
        Duration latency = Duration.ofSeconds(
                ping.getLatency().getSeconds(), ping.getLatency().getNanos());
        return new AgentFacts(
                handshake,
                age,
                stale,
                Optional.of(latency),
                Optional.of(ping.getDidP2P()),
                ping.getPreferredDerp().isEmpty() ? Optional.empty() : Optional.of(ping.getPreferredDerp()));
    }

    private static boolean isZero(Timestamp t) {
        return t.getSeconds() == 0 && t.getNanos() == 0;
    }

    /** "12s ago", "3m ago", "2h ago", "4d ago". */
    public static String ago(Duration age) {
        long s = age.toSeconds();
        if (s < 60) {
            return s + "s ago";
        }
        if (s < 3600) {
            return (s / 60) + "m ago";
        }
        if (s < 86400) {
            return (s / 3600) + "h ago";
        }
        return (s / 86400) + "d ago";
    }

    /** Milliseconds with one decimal, e.g. {@code 5.0}. */
    public static double millis(Duration d) {
        return Math.round(d.toNanos() / 100_000.0) / 10.0;
    }
}
