package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquisitionPhase;

/**
 * The session's phases (docs/architecture.md, "Session state machine"), in the order a start
 * goes through them. The wire's {@code SessionState} and {@code ProgressStage} are derived from
 * this enum in one place, at the app endpoint.
 */
public enum SessionPhase {
    IDLE,
    FETCHING_INFO,
    DOWNLOADING,
    VALIDATING,
    SPAWNING,
    HANDSHAKING,
    STARTING,
    RUNNING,
    /** A stop is under way: from RUNNING, or abandoning a start in any earlier phase. */
    STOPPING,
    /** Something went wrong; the child (if any) is being terminated, then IDLE. */
    FAILED;

    static SessionPhase of(AcquisitionPhase phase) {
        return switch (phase) {
            case FETCHING_INFO -> FETCHING_INFO;
            case DOWNLOADING -> DOWNLOADING;
            case VALIDATING -> VALIDATING;
        };
    }

    /** FETCHING_INFO through VALIDATING: the acquirer is at work. */
    boolean acquiring() {
        return this == FETCHING_INFO || this == DOWNLOADING || this == VALIDATING;
    }
}
