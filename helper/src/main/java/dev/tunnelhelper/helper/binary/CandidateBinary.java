package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/**
 * A binary awaiting verification: the file (not yet executable by anything), its hashes, and
 * where its detached signature can be fetched if a verifier needs it.
 */
public record CandidateBinary(Path file, String sha256, DetachedSignature signature) {

    /** Fetched lazily: only the Ed25519 mode needs a request for it. */
    @FunctionalInterface
    public interface DetachedSignature {
        byte[] fetch() throws VerificationException;
    }
}
