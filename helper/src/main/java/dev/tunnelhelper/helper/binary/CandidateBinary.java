package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;

/**
 * A binary awaiting verification: the file (not yet executable by anything), its SHA-256 and
 * SHA-512 (lowercase hex, computed as the bytes were written or read), and where its detached
 * signature can be fetched if a verifier needs it.
 */
public record CandidateBinary(Path file, String sha256, String sha512, DetachedSignature signature) {

    /** Fetched lazily: only the Ed25519 mode needs a request for it. */
    @FunctionalInterface
    public interface DetachedSignature {
        byte[] fetch() throws VerificationException;
    }
}
