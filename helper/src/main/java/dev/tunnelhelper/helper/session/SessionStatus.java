package dev.tunnelhelper.helper.session;

/**
 * What the session publishes on every transition. The fields describing a session are set once
 * known and kept until IDLE: {@code accessUrl} from FETCHING_INFO, {@code serverVersion} and
 * {@code signatureValidationDisabled} once the binary is acquired (SPAWNING), and
 * {@code tunnelProtocolVersion} once the handshake is done (STARTING).
 *
 * @param errorMessage the last failure's reason; kept at IDLE until the next start. A stop is no failure.
 */
public record SessionStatus(
        SessionPhase phase,
        String errorMessage,
        boolean signatureValidationDisabled,
        String tunnelProtocolVersion,
        String accessUrl,
        String serverVersion) {

    static SessionStatus idle(String errorMessage) {
        return new SessionStatus(SessionPhase.IDLE, errorMessage, false, "", "", "");
    }
}
