package dev.tunnelhelper.protocol.endpoint;

import dev.tunnelhelper.protocol.helper.Error;
import java.util.Optional;

/**
 * The stable codes of the helper endpoints' {@code Error.code} (docs/protocol.md §2.2). The wire
 * carries the name as a string, so a client built from the document alone can compare it; in Java
 * the code is this enum and nowhere a string literal.
 */
public enum ErrorCode {
    /** The peer's credentials (or code signature) do not allow this endpoint; the connection closes. */
    UNAUTHORIZED,
    /** A StartDaemon while a session is active. */
    ALREADY_RUNNING,
    /** A message the endpoint does not accept, or a request with wrong fds or fields. */
    BAD_REQUEST,
    /** The tunnel did not answer in time, or there is no tunnel to answer. */
    UNAVAILABLE,
    /** A bug on the helper's side; the message says what failed. */
    INTERNAL,
    /** A subscriber fell behind its budget and is disconnected. */
    SLOW_CONSUMER,
    /** The helper is stopping and takes no new work. */
    SHUTTING_DOWN,
    /** A connection that is neither subscribed nor owns a session said nothing for too long. */
    IDLE_TIMEOUT;

    /** The wire form: the {@code Error} message with this code. */
    public Error error(String message) {
        return Error.newBuilder().setCode(name()).setMessage(message).build();
    }

    /** The code of a received {@code Error}, or empty for one this version does not know. */
    public static Optional<ErrorCode> of(Error error) {
        for (ErrorCode c : values()) {
            if (c.name().equals(error.getCode())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
