package dev.tunnelhelper.app;

import java.time.Duration;

/**
 * How a subscription retries after its connection is lost: exponential backoff between
 * {@code initial} and {@code max}; {@link #NEVER} gives up at once.
 */
public record ReconnectPolicy(boolean enabled, Duration initial, Duration max) {
    public static final ReconnectPolicy NEVER = new ReconnectPolicy(false, Duration.ZERO, Duration.ZERO);
    /** Fast first retry (a helper restart takes about a second), capped so a long outage does not spin. */
    public static final ReconnectPolicy DEFAULT =
            new ReconnectPolicy(true, Duration.ofMillis(250), Duration.ofSeconds(5));

    /** The delay before retry number {@code attempt} (0-based). */
    public Duration delay(int attempt) {
        long ms = initial.toMillis() << Math.min(attempt, 20);
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }
}
