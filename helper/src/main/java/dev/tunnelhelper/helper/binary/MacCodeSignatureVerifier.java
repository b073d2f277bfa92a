package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.shim.CodeSignature;
import dev.tunnelhelper.shim.CodeSignatureResult;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * macOS: the Security framework's static code check (through the shim) against
 * {@code anchor apple generic}, then the signing identifier and team identifier the operator
 * expects, since any Apple-issued developer certificate satisfies the anchor alone.
 */
public final class MacCodeSignatureVerifier implements BinaryVerifier {

    static final String REQUIREMENT = "anchor apple generic";

    /** The shim call, replaceable so the decision logic can be tested off macOS. */
    @FunctionalInterface
    public interface Checker {
        CodeSignatureResult check(Path file, String requirement);
    }

    private final Checker checker;
    private final String signingIdentifier;
    private final String teamIdentifier;

    public MacCodeSignatureVerifier(String signingIdentifier, String teamIdentifier) {
        this(CodeSignature::check, signingIdentifier, teamIdentifier);
    }

    MacCodeSignatureVerifier(Checker checker, String signingIdentifier, String teamIdentifier) {
        this.checker = Objects.requireNonNull(checker, "checker");
        if (signingIdentifier == null || signingIdentifier.isBlank()) {
            throw new IllegalArgumentException("a signing identifier is required for code-signature checks");
        }
        if (teamIdentifier == null || teamIdentifier.isBlank()) {
            throw new IllegalArgumentException("a team identifier is required for code-signature checks");
        }
        this.signingIdentifier = signingIdentifier;
        this.teamIdentifier = teamIdentifier;
    }

    /** The Security framework reads the file itself: the streamed bytes are not needed. */
    @Override
    public BinaryCheck begin(DetachedSignature signature) {
        return this::verify;
    }

    void verify(CandidateBinary candidate) throws VerificationException {
        CodeSignatureResult result;
        try {
            result = checker.check(candidate.file(), REQUIREMENT);
        } catch (RuntimeException e) {
            throw new VerificationException(
                    "the code signature of " + candidate.file() + " cannot be checked: " + e.getMessage(), e);
        }
        if (!result.valid()) {
            throw new VerificationException(
                    "code signature does not satisfy '" + REQUIREMENT + "': " + result.message());
        }
        expect("signing identifier", signingIdentifier, result.signingIdentifier());
        expect("team identifier", teamIdentifier, result.teamIdentifier());
    }

    private static void expect(String what, String expected, Optional<String> actual) throws VerificationException {
        if (actual.isEmpty()) {
            throw new VerificationException("code signature has no " + what + ", expected '" + expected + "'");
        }
        if (!actual.get().equals(expected)) {
            throw new VerificationException(
                    "code signature " + what + " is '" + actual.get() + "', expected '" + expected + "'");
        }
    }

    @Override
    public String fingerprint() {
        return "codesign:" + REQUIREMENT + ";id=" + signingIdentifier + ";team=" + teamIdentifier;
    }
}
