package dev.tunnelhelper.helper.endpoint;

import java.time.Duration;

/**
 * How many connections an endpoint holds, and for how long an idle one (docs/protocol.md §2.1).
 * Every connection counts from the moment it is accepted, before its hello line.
 *
 * @param perEndpoint  all connections to one endpoint, whoever makes them
 * @param reserved     of those, how many only root and the helper's own uid may use, so that
 *                     they are served however many connections other users hold
 * @param perUid       connections one uid other than root or the helper's may hold at once
 * @param idleTimeout  a connection that sends nothing for this long and is not subscribed (app)
 *                     or owning a session (extension) is closed
 * @param helperUid    the uid the helper runs as, privileged like root
 */
public record ConnectionLimits(int perEndpoint, int reserved, int perUid, Duration idleTimeout, long helperUid) {
    public static final int PER_ENDPOINT = 256;
    public static final int RESERVED = 32;
    public static final int PER_UID = 32;
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    public ConnectionLimits {
        if (perEndpoint < 1 || reserved < 0 || reserved >= perEndpoint || perUid < 1) {
            throw new IllegalArgumentException("inconsistent connection limits: " + perEndpoint + " per endpoint, "
                    + reserved + " reserved, " + perUid + " per uid");
        }
    }

    /** The documented defaults, with {@code idleTimeout} and {@code perUid} as configured. */
    public static ConnectionLimits of(Duration idleTimeout, int perUid, long helperUid) {
        return new ConnectionLimits(PER_ENDPOINT, RESERVED, perUid, idleTimeout, helperUid);
    }

    /** Root and the helper's own uid: never limited per uid, and the only users of the reserve. */
    public boolean privileged(long uid) {
        return uid == 0 || uid == helperUid;
    }
}
