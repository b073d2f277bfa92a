package dev.tunnelhelper.helper.apps;

/**
 * How far one app subscriber may fall behind before it is disconnected ({@code SLOW_CONSUMER}):
 * at most {@code messages} pushes and {@code bytes} bytes not yet written to it. A push to a
 * subscriber with nothing unwritten is always taken, so one push larger than {@code bytes} (up
 * to the 16 MiB frame limit) does not drop an app that keeps up.
 *
 * @param messages pushes queued at most ({@code subscriberQueueDepth})
 * @param bytes    bytes of unwritten pushes at most ({@code subscriberQueueBytes})
 */
public record FanoutLimits(int messages, long bytes) {
    public static final int DEFAULT_MESSAGES = 1024;
    public static final long DEFAULT_BYTES = 64L << 20;
    public static final FanoutLimits DEFAULT = new FanoutLimits(DEFAULT_MESSAGES, DEFAULT_BYTES);

    public FanoutLimits {
        if (messages < 1 || bytes < 1) {
            throw new IllegalArgumentException(
                    "limits must be positive: " + messages + " messages, " + bytes + " bytes");
        }
    }

    /**
     * Says which bound a push of {@code size} bytes would overflow, in words ("1024 messages",
     * "67108864 bytes"), or {@code null} when it may be queued.
     */
    String overflow(int queued, long unwritten, long size) {
        if (queued >= messages) {
            return messages + " messages";
        }
        if (unwritten > 0 && unwritten + size > bytes) {
            return bytes + " bytes";
        }
        return null;
    }
}
