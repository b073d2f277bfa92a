package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.HexFormat;
import java.util.List;

/**
 * Ed25519 detached signature (raw 64 bytes over the whole binary) against pinned public keys;
 * any one pinned key may have signed it, so keys can be rotated by pinning old and new together.
 */
public final class Ed25519Verifier implements BinaryVerifier {

    static final int SIGNATURE_BYTES = 64;

    private final List<PublicKey> keys;
    private final String fingerprint;

    public Ed25519Verifier(List<PublicKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one Ed25519 public key is required");
        }
        this.keys = List.copyOf(keys);
        MessageDigest digest = FileHasher.digest("SHA-256");
        keys.stream()
                .map(k -> HexFormat.of().formatHex(FileHasher.digest("SHA-256").digest(k.getEncoded())))
                .sorted()
                .forEach(h -> digest.update(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        this.fingerprint = "ed25519:" + HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void verify(CandidateBinary candidate) throws VerificationException {
        byte[] signature = candidate.signature().fetch();
        if (signature.length != SIGNATURE_BYTES) {
            throw new VerificationException(
                    "the Ed25519 signature must be " + SIGNATURE_BYTES + " raw bytes, got " + signature.length);
        }
        for (PublicKey key : keys) {
            if (verifiesWith(key, candidate, signature)) {
                return;
            }
        }
        throw new VerificationException(
                "the Ed25519 signature of " + candidate.file().getFileName() + " does not verify with any of the "
                        + keys.size() + " pinned key(s)");
    }

    private static boolean verifiesWith(PublicKey key, CandidateBinary candidate, byte[] signature)
            throws VerificationException {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = Files.newInputStream(candidate.file(), LinkOption.NOFOLLOW_LINKS)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    verifier.update(buffer, 0, n);
                }
            }
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            // A malformed signature (e.g. not a valid curve point) is simply not a valid one.
            return false;
        } catch (GeneralSecurityException e) {
            throw new VerificationException("Ed25519 verification is unavailable: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new VerificationException("cannot read " + candidate.file() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }
}
