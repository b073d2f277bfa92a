package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionStatus;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import java.util.Optional;

/** The session's status in the app endpoint's wire types: the one place phases map to them. */
public final class WireStatus {
    private WireStatus() {}

    public static HelperStatus of(SessionStatus status, String helperVersion) {
        return HelperStatus.newBuilder()
                .setState(state(status.phase()))
                .setErrorMessage(status.errorMessage())
                .setSignatureValidationDisabled(status.signatureValidationDisabled())
                .setHelperVersion(helperVersion)
                .setTunnelProtocolVersion(status.tunnelProtocolVersion())
                .setAccessUrl(status.accessUrl())
                .setServerVersion(status.serverVersion())
                .build();
    }

    static SessionState state(SessionPhase phase) {
        return switch (phase) {
            case IDLE -> SessionState.SESSION_STATE_IDLE;
            case FETCHING_INFO -> SessionState.SESSION_STATE_FETCHING_INFO;
            case DOWNLOADING -> SessionState.SESSION_STATE_DOWNLOADING;
            case VALIDATING -> SessionState.SESSION_STATE_VALIDATING;
            case SPAWNING -> SessionState.SESSION_STATE_SPAWNING;
            case HANDSHAKING -> SessionState.SESSION_STATE_HANDSHAKING;
            case STARTING -> SessionState.SESSION_STATE_STARTING;
            case RUNNING -> SessionState.SESSION_STATE_RUNNING;
            case STOPPING -> SessionState.SESSION_STATE_STOPPING;
            case FAILED -> SessionState.SESSION_STATE_FAILED;
        };
    }

    /**
     * The progress stage pushed right after the status of entering {@code phase}. DOWNLOADING has
     * none of its own: its progress pushes carry bytes, and only when a body is transferred.
     */
    static Optional<ProgressStage> stageOnEntering(SessionPhase phase) {
        return switch (phase) {
            case FETCHING_INFO -> Optional.of(ProgressStage.PROGRESS_STAGE_FETCHING_INFO);
            case VALIDATING -> Optional.of(ProgressStage.PROGRESS_STAGE_VALIDATING);
            case SPAWNING -> Optional.of(ProgressStage.PROGRESS_STAGE_STARTING_TUNNEL);
            default -> Optional.empty();
        };
    }
}
