package dev.tunnelhelper.helper.endpoint;

import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link HelloGate} does when accepting fails (EMFILE when the process is out of
 * descriptors, ENFILE) or any other turn of its loop does: stop accepting for
 * {@link #ACCEPT_BACKOFF} rather than spin on the same error, and say so in the log at most once
 * per {@link #ACCEPT_FAILURE_LOG_INTERVAL}, however often it fails, with how many failures the
 * silence covered. The gate keeps serving the connections it holds meanwhile.
 */
final class AcceptBackoff {
    private static final Logger log = LoggerFactory.getLogger(HelloGate.class);
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    static final Duration ACCEPT_FAILURE_LOG_INTERVAL = Duration.ofSeconds(10);

    private final String endpoint;
    private final SelectionKey acceptKey;
    private final LongSupplier clock;
    private long pausedUntil;
    private long lastLog;
    private long failuresSinceLog;

    AcceptBackoff(String endpoint, SelectionKey acceptKey) {
        this(endpoint, acceptKey, System::nanoTime);
    }

    AcceptBackoff(String endpoint, SelectionKey acceptKey, LongSupplier clock) {
        this.endpoint = endpoint;
        this.acceptKey = acceptKey;
        this.clock = clock;
    }

    /**
     * Accepting, or the turn described by {@code what}, failed: pause accepting.
     *
     * @return whether this failure was logged (the first one after an interval's silence)
     */
    boolean failed(String what, Throwable e) {
        long now = clock.getAsLong();
        pausedUntil = now + ACCEPT_BACKOFF.toNanos();
        acceptKey.interestOps(0);
        failuresSinceLog++;
        if (lastLog != 0 && now - lastLog < ACCEPT_FAILURE_LOG_INTERVAL.toNanos()) {
            return false;
        }
        log.atError()
                .setMessage(what)
                .addKeyValue("endpoint", endpoint)
                .addKeyValue("reason", e.getMessage() == null ? e.toString() : e.getMessage())
                .addKeyValue("failuresSinceLastLine", failuresSinceLog)
                .addKeyValue("pauseMillis", ACCEPT_BACKOFF.toMillis())
                .log();
        lastLog = now;
        failuresSinceLog = 0;
        return true;
    }

    /** {@link System#nanoTime()} at which accepting resumes, or 0 when it is not paused. */
    long pausedUntil() {
        return pausedUntil;
    }

    /** Accepts again once the pause is over. */
    void resumeIfDue() {
        if (pausedUntil != 0 && clock.getAsLong() - pausedUntil >= 0) {
            pausedUntil = 0;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }
}
