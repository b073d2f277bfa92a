package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Closes a connection that has sent nothing for {@code timeout} and is not busy: no message being
 * handled, and not one its handler keeps open (a subscription, a session). One timer per
 * connection, on one shared thread, re-armed for the time that is left.
 */
final class IdleWatch {
    private static final ScheduledExecutorService TIMERS =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("endpoint-idle"));

    private final long timeoutNanos;
    private final BooleanSupplier keepsOpen;
    private volatile Runnable onIdle;
    private final AtomicInteger handling = new AtomicInteger();
    private volatile long lastActivity = System.nanoTime();
    private volatile boolean stopped;
    private ScheduledFuture<?> timer;

    IdleWatch(Duration timeout, BooleanSupplier keepsOpen) {
        this.timeoutNanos = timeout.toNanos();
        this.keepsOpen = keepsOpen;
    }

    /** {@code handler}, with every message counted as activity that lasts until it is handled. */
    <S, R> Speaker.Handler<S, R> around(Speaker.Handler<S, R> handler) {
        return (Incoming<S, R> incoming) -> {
            handling.incrementAndGet();
            lastActivity = System.nanoTime();
            try {
                handler.onMessage(incoming);
            } finally {
                lastActivity = System.nanoTime();
                handling.decrementAndGet();
            }
        };
    }

    /** Starts timing; {@code onIdle} runs (once, on the timer thread) when the connection is found idle. */
    synchronized void start(Runnable onIdle) {
        this.onIdle = onIdle;
        arm(timeoutNanos);
    }

    synchronized void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private synchronized void arm(long delayNanos) {
        if (!stopped) {
            timer = TIMERS.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (stopped) {
            return;
        }
        if (handling.get() > 0 || keepsOpen.getAsBoolean()) {
            arm(timeoutNanos);
            return;
        }
        long idle = System.nanoTime() - lastActivity;
        if (idle < timeoutNanos) {
            arm(timeoutNanos - idle);
            return;
        }
        stop();
        onIdle.run();
    }
}
