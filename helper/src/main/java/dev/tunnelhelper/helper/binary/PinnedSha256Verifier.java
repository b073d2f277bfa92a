package dev.tunnelhelper.helper.binary;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Accepts exactly the binaries whose SHA-256 the operator pinned. */
public final class PinnedSha256Verifier implements BinaryVerifier {

    private final Set<String> pinned;

    public PinnedSha256Verifier(List<String> sha256Hex) {
        if (sha256Hex.isEmpty()) {
            throw new IllegalArgumentException("at least one pinned SHA-256 is required");
        }
        TreeSet<String> normalized = new TreeSet<>();
        for (String hash : sha256Hex) {
            String h = hash.trim().toLowerCase(Locale.ROOT);
            if (!h.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("pinned SHA-256 '" + hash + "' is not 64 hex digits");
            }
            normalized.add(h);
        }
        this.pinned = normalized;
    }

    /** The SHA-256 is computed in the pass that writes the file: nothing more to see. */
    @Override
    public BinaryCheck begin(DetachedSignature signature) {
        return this::verify;
    }

    private void verify(CandidateBinary candidate) throws VerificationException {
        if (!pinned.contains(candidate.sha256())) {
            throw new VerificationException(
                    "SHA-256 " + candidate.sha256() + " is not one of the " + pinned.size() + " pinned hash(es)");
        }
    }

    @Override
    public String fingerprint() {
        return "sha256:" + String.join(",", pinned);
    }
}
