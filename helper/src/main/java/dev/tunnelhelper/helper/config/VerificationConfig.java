package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tunnelhelper.helper.binary.VerificationSettings;
import java.nio.file.Path;
import java.util.List;

/** The config's {@code verification} section: how downloaded binaries are trusted (docs/security.md, "Binary trust"). */
public record VerificationConfig(List<String> ed25519PublicKeys, List<String> pinnedSha256, boolean macCodeSignature,
        String macSigningIdentifier, String macTeamIdentifier, boolean allowDisablingSignatureValidation) {

    public static final VerificationConfig DEFAULT = builder().build();

    public VerificationConfig {
        ed25519PublicKeys = ed25519PublicKeys == null ? List.of() : List.copyOf(ed25519PublicKeys);
        pinnedSha256 = pinnedSha256 == null ? List.of() : List.copyOf(pinnedSha256);
        macSigningIdentifier = macSigningIdentifier == null ? VerificationSettings.DEFAULT_MAC_SIGNING_IDENTIFIER : macSigningIdentifier;
    }

    @JsonCreator
    VerificationConfig(@JsonProperty("ed25519PublicKeys") List<String> ed25519PublicKeys,
            @JsonProperty("pinnedSha256") List<String> pinnedSha256,
            @JsonProperty("macCodeSignature") Boolean macCodeSignature,
            @JsonProperty("macSigningIdentifier") String macSigningIdentifier,
            @JsonProperty("macTeamIdentifier") String macTeamIdentifier,
            @JsonProperty("allowDisablingSignatureValidation") Boolean allowDisablingSignatureValidation) {
        this(ed25519PublicKeys, pinnedSha256, macCodeSignature != null && macCodeSignature, macSigningIdentifier, macTeamIdentifier,
                allowDisablingSignatureValidation != null && allowDisablingSignatureValidation);
    }

    /** What the acquirer verifies with under this section. */
    public VerificationSettings settings() {
        return VerificationSettings.builder()
                .ed25519PublicKeys(ed25519PublicKeys.stream().map(Path::of).toList())
                .pinnedSha256(pinnedSha256)
                .macCodeSignature(macCodeSignature)
                .macSigningIdentifier(macSigningIdentifier)
                .macTeamIdentifier(macTeamIdentifier)
                .allowDisablingSignatureValidation(allowDisablingSignatureValidation)
                .build();
    }

    public Builder toBuilder() {
        return new Builder().ed25519PublicKeys(ed25519PublicKeys).pinnedSha256(pinnedSha256).macCodeSignature(macCodeSignature)
                .macSigningIdentifier(macSigningIdentifier).macTeamIdentifier(macTeamIdentifier)
                .allowDisablingSignatureValidation(allowDisablingSignatureValidation);
    }

    /** Starts from the defaults: nothing verified (which makes every start fail), disabling not allowed. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private List<String> ed25519PublicKeys;
        private List<String> pinnedSha256;
        private boolean macCodeSignature;
        private String macSigningIdentifier;
        private String macTeamIdentifier;
        private boolean allowDisabling;

        private Builder() {
        }

        /** Absolute paths of PEM public key files. */
        public Builder ed25519PublicKeys(List<String> paths) {
            ed25519PublicKeys = paths;
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

        public Builder macSigningIdentifier(String identifier) {
            macSigningIdentifier = identifier;
            return this;
        }

        public Builder macTeamIdentifier(String identifier) {
            macTeamIdentifier = identifier;
            return this;
        }

        public Builder allowDisablingSignatureValidation(boolean allow) {
            allowDisabling = allow;
            return this;
        }

        public VerificationConfig build() {
            return new VerificationConfig(ed25519PublicKeys, pinnedSha256, macCodeSignature, macSigningIdentifier, macTeamIdentifier,
                    allowDisabling);
        }
    }
}
