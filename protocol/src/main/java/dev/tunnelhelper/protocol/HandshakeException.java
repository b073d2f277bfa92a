package dev.tunnelhelper.protocol;

import java.util.Objects;

/** The peer's handshake line was missing, malformed or incompatible; {@link #reason()} says which. */
public final class HandshakeException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** Why a handshake failed, for callers that react differently (the message is for people). */
    public enum Reason {
        /** Not exactly three space-separated parts. */
        MALFORMED,
        /** The first part is not the expected preamble. */
        BAD_PREAMBLE,
        /** The second part is not the role we expect the peer to have. */
        WRONG_ROLE,
        /** The third part is not a valid version list. */
        BAD_VERSIONS,
        /** The two version lists share no major version. */
        NO_COMMON_VERSION,
        /** {@link Handshake#MAX_HEADER_BYTES} bytes without a newline. */
        TOO_LONG,
        /** The peer closed its stream before its newline: typically it exited. */
        ENDED,
        /** The peer did not complete the exchange within the timeout. */
        TIMED_OUT,
        /** Reading or writing failed, or the waiting thread was interrupted. */
        IO_ERROR
    }

    private final Reason reason;

    public HandshakeException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public HandshakeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
