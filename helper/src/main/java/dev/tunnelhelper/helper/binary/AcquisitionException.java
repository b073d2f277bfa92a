package dev.tunnelhelper.helper.binary;

import java.util.Objects;

/** Acquiring the tunnel binary failed; {@link #step()} tells the session manager where. */
public final class AcquisitionException extends Exception {

    /** The stages of acquisition, in the order they run. */
    public enum Step {
        /** Fetching or parsing the deployment's build info. */
        FETCH_INFO,
        /** The deployment is older than the configured minimum. */
        MINIMUM_VERSION,
        /** Transferring the binary (HTTP status, timeouts, size, truncation, redirects, TLS). */
        DOWNLOAD,
        /** Code signature, Ed25519 signature, pinned hash, or the verification configuration. */
        SIGNATURE,
        /** Running {@code <binary> version --output=json} and comparing with the server. */
        VERSION_CHECK,
        /** The binary directory: ownership, permissions, writing, renaming. */
        STORAGE
    }

    private final Step step;

    public AcquisitionException(Step step, String message) {
        super(message);
        this.step = Objects.requireNonNull(step, "step");
    }

    public AcquisitionException(Step step, String message, Throwable cause) {
        super(message, cause);
        this.step = Objects.requireNonNull(step, "step");
    }

    public Step step() {
        return step;
    }
}
