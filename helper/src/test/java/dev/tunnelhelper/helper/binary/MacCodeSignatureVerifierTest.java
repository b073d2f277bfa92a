package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.CodeSignatureResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The decision made on the Security framework's answer; the shim call itself needs macOS. */
class MacCodeSignatureVerifierTest {

    private static final Path FILE = Path.of("/var/lib/tunnel-helper/coder-darwin-arm64");
    private final List<String> requirementsAsked = new ArrayList<>();

    private MacCodeSignatureVerifier verifierAnswering(CodeSignatureResult result) {
        return new MacCodeSignatureVerifier(
                (file, requirement) -> {
                    requirementsAsked.add(requirement);
                    return result;
                },
                "com.coder.cli",
                "4399GN35BJ");
    }

    private static final DetachedSignature NO_SIGNATURE = () -> {
        throw new AssertionError("code-signature mode must not fetch a detached signature");
    };

    private static CandidateBinary candidate() {
        return new CandidateBinary(FILE, "00".repeat(32));
    }

    @Test
    void aValidSignatureWithTheExpectedIdentifierAndTeamPasses() throws Exception {
        verifierAnswering(
                        new CodeSignatureResult(true, Optional.of("com.coder.cli"), Optional.of("4399GN35BJ"), "valid"))
                .begin(NO_SIGNATURE)
                .verify(candidate());
        assertEquals(List.of("anchor apple generic"), requirementsAsked);
    }

    @Test
    void anInvalidSignatureFailsWithTheFrameworksReason() {
        VerificationException e = assertThrows(
                VerificationException.class,
                () -> verifierAnswering(new CodeSignatureResult(
                                false, Optional.empty(), Optional.empty(), "code object is not signed at all"))
                        .begin(NO_SIGNATURE)
                        .verify(candidate()));
        assertTrue(e.getMessage().contains("code object is not signed at all"), e.getMessage());
    }

    @Test
    void anotherSigningIdentifierFails() {
        VerificationException e = assertThrows(
                VerificationException.class,
                () -> verifierAnswering(new CodeSignatureResult(
                                true, Optional.of("com.evil.cli"), Optional.of("4399GN35BJ"), "valid"))
                        .begin(NO_SIGNATURE)
                        .verify(candidate()));
        assertEquals("code signature signing identifier is 'com.evil.cli', expected 'com.coder.cli'", e.getMessage());
    }

    @Test
    void anotherTeamFailsEvenWithTheRightIdentifier() {
        VerificationException e = assertThrows(
                VerificationException.class,
                () -> verifierAnswering(new CodeSignatureResult(
                                true, Optional.of("com.coder.cli"), Optional.of("EVILTEAM01"), "valid"))
                        .begin(NO_SIGNATURE)
                        .verify(candidate()));
        assertEquals("code signature team identifier is 'EVILTEAM01', expected '4399GN35BJ'", e.getMessage());
    }

    @Test
    void aSignatureWithoutTeamFails() {
        VerificationException e = assertThrows(
                VerificationException.class,
                () -> verifierAnswering(
                                new CodeSignatureResult(true, Optional.of("com.coder.cli"), Optional.empty(), "valid"))
                        .begin(NO_SIGNATURE)
                        .verify(candidate()));
        assertTrue(e.getMessage().contains("has no team identifier"), e.getMessage());
    }

    @Test
    void aFailingCheckIsAVerificationFailure() {
        MacCodeSignatureVerifier verifier = new MacCodeSignatureVerifier(
                (file, requirement) -> {
                    throw new IllegalStateException("SecStaticCodeCreateWithPath: -67062");
                },
                "com.coder.cli",
                "4399GN35BJ");
        VerificationException e = assertThrows(
                VerificationException.class, () -> verifier.begin(NO_SIGNATURE).verify(candidate()));
        assertTrue(e.getMessage().contains("-67062"), e.getMessage());
    }

    @Test
    void bothIdentifiersAreRequired() {
        assertThrows(IllegalArgumentException.class, () -> new MacCodeSignatureVerifier("com.coder.cli", null));
        assertThrows(IllegalArgumentException.class, () -> new MacCodeSignatureVerifier(" ", "4399GN35BJ"));
    }
}
