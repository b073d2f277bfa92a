package dev.tunnelhelper.helper.binary;

import java.util.Objects;

/** Acquiring the tunnel binary failed; {@link #step()} tells where. */
public final class AcquisitionException extends Exception {

    /**
     * Where an acquisition failed, finer than {@link AcquisitionPhase}; {@link #description()} is
     * the prefix of the start's error message (docs/protocol.md §2.4).
     */
    public enum Step {
        /** Fetching or parsing the deployment's build info. */
        FETCH_INFO("fetching build info"),
        /** The deployment is older than the configured minimum. */
        MINIMUM_VERSION("checking the minimum version"),
        /** Transferring the binary (HTTP status, timeouts, size, truncation, redirects, TLS). */
        DOWNLOAD("downloading the tunnel binary"),
        /** Code signature, Ed25519 signature, pinned hash, or the verification configuration. */
        SIGNATURE("verifying the binary's signature"),
        /** Running {@code <binary> version --output=json} and comparing with the server. */
        VERSION_CHECK("checking the binary's version"),
        /** The binary directory: ownership, permissions, writing, renaming. */
        STORAGE("storing the binary");

        private final String description;

        Step(String description) {
            this.description = description;
        }

        /** What was being done, as people read it: "fetching build info". */
        public String description() {
            return description;
        }
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
