package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tunnelhelper.helper.binary.VerificationSettings;
import java.nio.file.Path;
import java.util.List;

/** The config's {@code verification} section: how downloaded binaries are trusted (docs/security.md, "Binary trust"). */
public record VerificationConfig(
        List<String> ed25519PublicKeys,
        List<String> pinnedSha256,
        boolean macCodeSignature,
        String macSigningIdentifier,
        String macTeamIdentifier,
        boolean allowDisablingSignatureValidation) {

    /** Nothing verified (which makes every start fail), disabling not allowed. */
    public static final VerificationConfig DEFAULT =
            new VerificationConfig(List.of(), List.of(), false, null, null, false);

    public VerificationConfig {
        ed25519PublicKeys = ed25519PublicKeys == null ? List.of() : List.copyOf(ed25519PublicKeys);
        pinnedSha256 = pinnedSha256 == null ? List.of() : List.copyOf(pinnedSha256);
        macSigningIdentifier = macSigningIdentifier == null
                ? VerificationSettings.DEFAULT_MAC_SIGNING_IDENTIFIER
                : macSigningIdentifier;
    }

    @JsonCreator
    VerificationConfig(
            @JsonProperty("ed25519PublicKeys") List<String> ed25519PublicKeys,
            @JsonProperty("pinnedSha256") List<String> pinnedSha256,
            @JsonProperty("macCodeSignature") Boolean macCodeSignature,
            @JsonProperty("macSigningIdentifier") String macSigningIdentifier,
            @JsonProperty("macTeamIdentifier") String macTeamIdentifier,
            @JsonProperty("allowDisablingSignatureValidation") Boolean allowDisablingSignatureValidation) {
        this(
                ed25519PublicKeys,
                pinnedSha256,
                macCodeSignature != null && macCodeSignature,
                macSigningIdentifier,
                macTeamIdentifier,
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

    /** This section with {@code paths} (absolute paths of PEM public key files) as its Ed25519 keys. */
    public VerificationConfig withEd25519PublicKeys(List<String> paths) {
        return new VerificationConfig(
                paths,
                pinnedSha256,
                macCodeSignature,
                macSigningIdentifier,
                macTeamIdentifier,
                allowDisablingSignatureValidation);
    }

    public VerificationConfig withAllowDisablingSignatureValidation(boolean allow) {
        return new VerificationConfig(
                ed25519PublicKeys, pinnedSha256, macCodeSignature, macSigningIdentifier, macTeamIdentifier, allow);
    }
}
