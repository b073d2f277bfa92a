package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How binaries are verified, from the helper's configuration. Every configured mode must pass.
 * Nothing configured is an error, not "verify nothing".
 *
 * @param ed25519PublicKeys              PEM public key files; the binary's detached signature must verify with one
 * @param pinnedSha256                   accepted SHA-256 hex digests
 * @param macCodeSignature               check the macOS code signature (macOS hosts only)
 * @param macSigningIdentifier           expected signing identifier, e.g. {@code com.coder.cli}
 * @param macTeamIdentifier              expected team identifier (required with {@code macCodeSignature})
 * @param allowDisableSignatureValidation whether a request may turn signature checks off (the version probe still runs)
 */
public record VerificationSettings(
        List<Path> ed25519PublicKeys,
        List<String> pinnedSha256,
        boolean macCodeSignature,
        String macSigningIdentifier,
        String macTeamIdentifier,
        boolean allowDisableSignatureValidation) {

    public static final String DEFAULT_MAC_SIGNING_IDENTIFIER = "com.coder.cli";

    public VerificationSettings {
        ed25519PublicKeys = List.copyOf(Objects.requireNonNull(ed25519PublicKeys, "ed25519PublicKeys"));
        pinnedSha256 = List.copyOf(Objects.requireNonNull(pinnedSha256, "pinnedSha256"));
        macSigningIdentifier = macSigningIdentifier == null ? DEFAULT_MAC_SIGNING_IDENTIFIER : macSigningIdentifier;
    }

    public static VerificationSettings ed25519(List<Path> keys) {
        return new VerificationSettings(keys, List.of(), false, null, null, false);
    }

    public static VerificationSettings pinnedSha256(List<String> hashes) {
        return new VerificationSettings(List.of(), hashes, false, null, null, false);
    }

    public static VerificationSettings macCodeSignature(String signingIdentifier, String teamIdentifier) {
        return new VerificationSettings(List.of(), List.of(), true, signingIdentifier, teamIdentifier, false);
    }

    public static VerificationSettings none() {
        return new VerificationSettings(List.of(), List.of(), false, null, null, false);
    }

    public VerificationSettings withAllowDisableSignatureValidation(boolean allow) {
        return new VerificationSettings(ed25519PublicKeys, pinnedSha256, macCodeSignature, macSigningIdentifier,
                macTeamIdentifier, allow);
    }
}
