package dev.tunnelhelper.shim;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ICMP echo as {@code ping -c N -i I -W T} does it: request {@code n} leaves at
 * {@code (n - 1) * interval} after the start, and a reply counts when it comes from the target,
 * carries our identifier and payload, and arrives within {@code timeout} of its request. Between
 * requests the pinger listens for replies instead of sleeping, and after the last one it listens
 * until every request is answered or has timed out.
 */
public final class Pinger {

    /**
     * How a ping run is paced.
     *
     * @param count        requests to send, at least 1
     * @param interval     time between requests
     * @param timeout      how long each request waits for its reply
     * @param payloadBytes data bytes after the 8-byte ICMP header (ping's default is 56)
     */
    public record Options(int count, Duration interval, Duration timeout, int payloadBytes) {
        public static final int DEFAULT_PAYLOAD = 56;

        public Options {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1, got " + count);
            }
            if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("interval and timeout must be positive");
            }
            if (payloadBytes < 0 || payloadBytes > 65_507) {
                throw new IllegalArgumentException("payload size must be 0..65507 bytes, got " + payloadBytes);
            }
        }
    }

    /** A counted reply: {@code bytes} is ICMP header plus data, as ping prints it. */
    public record Reply(InetAddress from, int sequence, int ttl, int bytes, Duration roundTrip) {}

    /** Told about each counted reply, in arrival order, on the pinging thread. */
    public interface Listener {
        void onReply(Reply reply);
    }

    /** What a run saw; round trips in arrival order. */
    public record Statistics(InetAddress target, int transmitted, int received, List<Duration> roundTrips) {
        public Statistics {
            roundTrips = List.copyOf(roundTrips);
        }

        /** Lost requests in whole percent, rounded down as ping does. */
        public int lossPercent() {
            return transmitted == 0 ? 0 : (transmitted - received) * 100 / transmitted;
        }

        public Optional<Duration> min() {
            return roundTrips.stream().min(Duration::compareTo);
        }

        public Optional<Duration> max() {
            return roundTrips.stream().max(Duration::compareTo);
        }

        public Optional<Duration> average() {
            return roundTrips.isEmpty()
                    ? Optional.empty()
                    : Optional.of(roundTrips.stream()
                            .reduce(Duration.ZERO, Duration::plus)
                            .dividedBy(roundTrips.size()));
        }
    }

    private final IcmpEchoSocket socket;
    private final InetAddress target;
    private final Options options;
    private final Listener listener;
    private final int id = ThreadLocalRandom.current().nextInt(1, 0x10000);
    private final byte[] payload;
    private final long[] sentAt;
    private final boolean[] answered;
    private final List<Duration> roundTrips = new ArrayList<>();
    private int transmitted;

    private Pinger(IcmpEchoSocket socket, InetAddress target, Options options, Listener listener) {
        this.socket = socket;
        this.target = target;
        this.options = options;
        this.listener = listener;
        this.payload = new byte[options.payloadBytes()];
        // A payload of this run's own makes a stray reply to an earlier run with the same identifier not count.
        ThreadLocalRandom.current().nextBytes(payload);
        this.sentAt = new long[options.count() + 1];
        this.answered = new boolean[options.count() + 1];
    }

    /** Pings {@code target} on a socket opened with {@code mode}; a socket that cannot be opened is a {@link NativeException}. */
    public static Statistics ping(InetAddress target, Options options, IcmpEchoSocket.Mode mode, Listener listener) {
        try (IcmpEchoSocket socket = IcmpEchoSocket.open(target, mode)) {
            return ping(socket, target, options, listener);
        }
    }

    /** Pings over a socket the caller opened (and closes). */
    public static Statistics ping(IcmpEchoSocket socket, InetAddress target, Options options, Listener listener) {
        return new Pinger(socket, target, options, listener).run();
    }

    private Statistics run() {
        long start = System.nanoTime();
        long interval = options.interval().toNanos();
        for (int seq = 1; seq <= options.count(); seq++) {
            listenUntil(start + (seq - 1) * interval, false);
            socket.send(target, id, seq, payload);
            sentAt[seq] = System.nanoTime();
            transmitted = seq;
        }
        listenUntil(sentAt[options.count()] + options.timeout().toNanos(), true);
        return new Statistics(target, transmitted, roundTrips.size(), roundTrips);
    }

    private void listenUntil(long deadline, boolean stopWhenAllAnswered) {
        while (!(stopWhenAllAnswered && roundTrips.size() == transmitted)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Optional<IcmpEchoSocket.EchoReply> reply = socket.receive(target, id, Duration.ofNanos(left));
            if (reply.isEmpty()) {
                return;
            }
            count(reply.get(), System.nanoTime());
        }
    }

    private void count(IcmpEchoSocket.EchoReply reply, long now) {
        int seq = reply.sequence();
        if (seq < 1 || seq > transmitted || answered[seq] || !Arrays.equals(reply.payload(), payload)) {
            return; // a duplicate, or not one of ours
        }
        Duration roundTrip = Duration.ofNanos(now - sentAt[seq]);
        if (roundTrip.compareTo(options.timeout()) > 0) {
            return; // too late to count, as ping -W
        }
        answered[seq] = true;
        roundTrips.add(roundTrip);
        listener.onReply(new Reply(target, seq, reply.ttl(), 8 + reply.payload().length, roundTrip));
    }
}
