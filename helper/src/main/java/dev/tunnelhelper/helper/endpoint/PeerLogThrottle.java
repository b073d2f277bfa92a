package dev.tunnelhelper.helper.endpoint;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How often one uid can make the helper write a line about it (a refusal, a failed hello): a
 * few lines per window, then silence until the window ends, when the next line says how many
 * were left out. A peer that reconnects in a loop costs a bounded number of log lines; the
 * number of uids remembered is bounded too (the least recently seen is forgotten first).
 */
final class PeerLogThrottle {
    static final int LINES_PER_WINDOW = 5;
    static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int MAX_UIDS = 1024;

    private final int linesPerWindow;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<Long, Budget> budgets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Budget> eldest) {
            return size() > MAX_UIDS;
        }
    };

    PeerLogThrottle() {
        this(LINES_PER_WINDOW, WINDOW, System::nanoTime);
    }

    PeerLogThrottle(int linesPerWindow, Duration window, LongSupplier clock) {
        this.linesPerWindow = linesPerWindow;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /**
     * Decides whether one more line about {@code uid} is written.
     *
     * @return -1 when this line is to be left out; otherwise how many lines about {@code uid}
     *         were left out since the last one written
     */
    synchronized long admit(long uid) {
        long now = clock.getAsLong();
        Budget b = budgets.computeIfAbsent(uid, u -> new Budget(now));
        if (now - b.windowStart >= windowNanos) {
            b.windowStart = now;
            b.written = 0;
        }
        if (b.written >= linesPerWindow) {
            b.suppressed++;
            return -1;
        }
        b.written++;
        long suppressed = b.suppressed;
        b.suppressed = 0;
        return suppressed;
    }

    private static final class Budget {
        long windowStart;
        int written;
        long suppressed;

        Budget(long windowStart) {
            this.windowStart = windowStart;
        }
    }
}
