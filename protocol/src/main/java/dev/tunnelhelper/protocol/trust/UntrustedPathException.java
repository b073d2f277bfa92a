package dev.tunnelhelper.protocol.trust;

import java.io.IOException;

/** A path failed {@link PathTrust}'s checks; the message names the path, its owner and mode, and the fix. */
public final class UntrustedPathException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient TrustProblem problem;

    public UntrustedPathException(String what, TrustProblem problem) {
        super("refusing to use " + what + ": " + problem.describe());
        this.problem = problem;
    }

    public TrustProblem problem() {
        return problem;
    }
}
