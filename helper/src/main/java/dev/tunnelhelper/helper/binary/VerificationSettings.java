package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How binaries are verified, from the helper's configuration ({@code verification.*}). Every
 * configured mode must pass. Nothing configured is an error, not "verify nothing".
 *
 * @param ed25519PublicKeys                 PEM public key files; the binary's detached signature must verify with one
 * @param pinnedSha256                      accepted SHA-256 hex digests
 * @param macCodeSignature                  check the macOS code signature (macOS hosts only)
 * @param macSigningIdentifier              expected signing identifier, e.g. {@code com.coder.cli}
 * @param macTeamIdentifier                 expected team identifier (required with {@code macCodeSignature})
 * @param allowDisablingSignatureValidation whether a request may turn signature checks off (the version probe still runs)
 */
public record VerificationSettings(
        List<Path> ed25519PublicKeys,
        List<String> pinnedSha256,
        boolean macCodeSignature,
        String macSigningIdentifier,
        String macTeamIdentifier,
        boolean allowDisablingSignatureValidation) {

    public static final String DEFAULT_MAC_SIGNING_IDENTIFIER = "com.coder.cli";

    public VerificationSettings {
        ed25519PublicKeys = List.copyOf(Objects.requireNonNull(ed25519PublicKeys, "ed25519PublicKeys"));
        pinnedSha256 = List.copyOf(Objects.requireNonNull(pinnedSha256, "pinnedSha256"));
        macSigningIdentifier = macSigningIdentifier == null ? DEFAULT_MAC_SIGNING_IDENTIFIER : macSigningIdentifier;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static VerificationSettings ed25519(List<Path> keys) {
        return builder().ed25519PublicKeys(keys).build();
    }

    public static VerificationSettings pinnedSha256(List<String> hashes) {
        return builder().pinnedSha256(hashes).build();
    }

    public static VerificationSettings macCodeSignature(String signingIdentifier, String teamIdentifier) {
        return builder()
                .macCodeSignature(true)
                .macSigningIdentifier(signingIdentifier)
                .macTeamIdentifier(teamIdentifier)
                .build();
    }

    public static VerificationSettings none() {
        return builder().build();
    }

    public VerificationSettings withAllowDisablingSignatureValidation(boolean allow) {
        return new Builder(this).allowDisablingSignatureValidation(allow).build();
    }

    /** Starts from nothing configured; each setter names the {@code verification.*} key it mirrors. */
    public static final class Builder {
        private List<Path> ed25519PublicKeys = List.of();
        private List<String> pinnedSha256 = List.of();
        private boolean macCodeSignature;
        private String macSigningIdentifier;
        private String macTeamIdentifier;
        private boolean allowDisablingSignatureValidation;

        private Builder() {}

        private Builder(VerificationSettings s) {
            ed25519PublicKeys = s.ed25519PublicKeys;
            pinnedSha256 = s.pinnedSha256;
            macCodeSignature = s.macCodeSignature;
            macSigningIdentifier = s.macSigningIdentifier;
            macTeamIdentifier = s.macTeamIdentifier;
            allowDisablingSignatureValidation = s.allowDisablingSignatureValidation;
        }

        public Builder ed25519PublicKeys(List<Path> keys) {
            ed25519PublicKeys = keys;
            return this;
        }

        public Builder pinnedSha256(List<String> hashes) {
            pinnedSha256 = hashes;
            return this;
        }

        public Builder macCodeSignature(boolean on) {
            macCodeSignature = on;
            return this;
        }

        /** Null means {@link #DEFAULT_MAC_SIGNING_IDENTIFIER}. */
        public Builder macSigningIdentifier(String identifier) {
            macSigningIdentifier = identifier;
            return this;
        }

        public Builder macTeamIdentifier(String identifier) {
            macTeamIdentifier = identifier;
            return this;
        }

        public Builder allowDisablingSignatureValidation(boolean allow) {
            allowDisablingSignatureValidation = allow;
            return this;
        }

        public VerificationSettings build() {
            return new VerificationSettings(
                    ed25519PublicKeys,
                    pinnedSha256,
                    macCodeSignature,
                    macSigningIdentifier,
                    macTeamIdentifier,
                    allowDisablingSignatureValidation);
        }
    }
}
