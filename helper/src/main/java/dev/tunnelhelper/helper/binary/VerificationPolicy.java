package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The verifiers a binary must pass, built from configuration for one acquisition. There is no
 * default that verifies nothing: either a mode is configured, or signature validation was
 * disabled explicitly (allowed by configuration and asked for by the request).
 */
public final class VerificationPolicy {

    private final List<BinaryVerifier> verifiers;
    private final boolean signatureValidationDisabled;

    private VerificationPolicy(List<BinaryVerifier> verifiers, boolean signatureValidationDisabled) {
        this.verifiers = List.copyOf(verifiers);
        this.signatureValidationDisabled = signatureValidationDisabled;
    }

    public static VerificationPolicy of(List<BinaryVerifier> verifiers) {
        if (verifiers.isEmpty()) {
            throw new IllegalArgumentException("a policy needs at least one verifier");
        }
        return new VerificationPolicy(verifiers, false);
    }

    static VerificationPolicy build(VerificationSettings settings, HostPlatform platform, boolean disableRequested)
            throws AcquisitionException {
        if (disableRequested) {
            if (!settings.allowDisablingSignatureValidation()) {
                throw signature("signature validation cannot be disabled: the helper's configuration does not "
                        + "allow it (verification.allowDisablingSignatureValidation is off)");
            }
            return new VerificationPolicy(List.of(), true);
        }
        List<BinaryVerifier> verifiers = new ArrayList<>();
        if (settings.macCodeSignature()) {
            if (!platform.isMac()) {
                throw signature("macOS code-signature verification is configured, but this host is " + platform);
            }
            try {
                verifiers.add(
                        new MacCodeSignatureVerifier(settings.macSigningIdentifier(), settings.macTeamIdentifier()));
            } catch (IllegalArgumentException e) {
                throw signature("invalid code-signature configuration: " + e.getMessage());
            }
        }
        if (!settings.ed25519PublicKeys().isEmpty()) {
            List<PublicKey> keys = new ArrayList<>();
            for (Path path : settings.ed25519PublicKeys()) {
                try {
                    keys.add(Ed25519PublicKeys.read(path));
                } catch (IOException e) {
                    throw new AcquisitionException(
                            Step.SIGNATURE, "cannot load the pinned Ed25519 key " + path + ": " + e.getMessage(), e);
                }
            }
            try {
                verifiers.add(new Ed25519Verifier(keys));
            } catch (IllegalArgumentException e) {
                throw signature("invalid pinned Ed25519 key: " + e.getMessage());
            }
        }
        if (!settings.pinnedSha256().isEmpty()) {
            try {
                verifiers.add(new PinnedSha256Verifier(settings.pinnedSha256()));
            } catch (IllegalArgumentException e) {
                throw signature("invalid pinned SHA-256 configuration: " + e.getMessage());
            }
        }
        if (verifiers.isEmpty()) {
            throw signature("no binary verification is configured: pin an Ed25519 public key, a SHA-256, or "
                    + "(macOS) enable code-signature checks; the helper never runs an unverified binary by default");
        }
        return new VerificationPolicy(verifiers, false);
    }

    /**
     * Starts every verifier's check of one binary, before its first byte (the Ed25519 signature
     * is fetched now); the combined check is fed the bytes once and then runs every verifier's
     * judgement, the first failure winning.
     */
    BinaryCheck begin(DetachedSignature signature) throws VerificationException {
        List<BinaryCheck> checks = new ArrayList<>();
        for (BinaryVerifier verifier : verifiers) {
            checks.add(verifier.begin(signature));
        }
        return new BinaryCheck() {
            @Override
            public void update(byte[] bytes, int offset, int length) {
                for (BinaryCheck check : checks) {
                    check.update(bytes, offset, length);
                }
            }

            @Override
            public void verify(CandidateBinary candidate) throws VerificationException {
                for (BinaryCheck check : checks) {
                    check.verify(candidate);
                }
            }
        };
    }

    /** Checks a file already on disk, reading it once (and not following a symlink at its path). */
    void verifyFile(Path file, DetachedSignature signature) throws VerificationException {
        BinaryCheck check = begin(signature);
        FileHashes hashes;
        try {
            hashes = FileHasher.hash(file, check);
        } catch (IOException e) {
            throw new VerificationException("cannot read " + file + ": " + e.getMessage(), e);
        }
        check.verify(new CandidateBinary(file, hashes.sha256()));
    }

    boolean signatureValidationDisabled() {
        return signatureValidationDisabled;
    }

    List<BinaryVerifier> verifiers() {
        return verifiers;
    }

    /** Identifies the policy in the verification cache: a different key or pin is a different policy. */
    String fingerprint() {
        return signatureValidationDisabled
                ? "disabled"
                : verifiers.stream().map(BinaryVerifier::fingerprint).collect(Collectors.joining("|"));
    }

    private static AcquisitionException signature(String message) {
        return new AcquisitionException(Step.SIGNATURE, message);
    }
}
