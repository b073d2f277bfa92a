package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On macOS against /bin/ls as Apple signed it; in the simulator against a copy signed as Apple's. */
@RequiresCapability(Capability.CODE_SIGNATURE)
class CodeSignatureTest {
    private static Path ls;

    @BeforeAll
    static void appleSignedLs(@TempDir Path dir) throws Exception {
        ls = Path.of("/bin/ls");
        if (NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR) {
            ls = Files.copy(ls, dir.resolve("ls"));
            SimulatedCodeSigning.sign(ls, SigningIdentity.apple("com.apple.ls"));
        }
    }

    @Test
    void binLsIsAppleSigned() {
        CodeSignatureResult result = CodeSignature.check(ls, "anchor apple");
        assertTrue(result.valid(), result.message());
        assertEquals(Optional.of("com.apple.ls"), result.signingIdentifier());
        // Platform binaries carry no team identifier.
        assertEquals(Optional.empty(), result.teamIdentifier());
    }

    @Test
    void unmetRequirementIsInvalidWithAReason() {
        CodeSignatureResult result =
                CodeSignature.check(ls, "anchor apple generic and certificate leaf[subject.OU] = \"NOTATEAMID\"");
        assertFalse(result.valid());
        assertTrue(result.message().contains("OSStatus"), result.message());
        assertEquals(Optional.of("com.apple.ls"), result.signingIdentifier());
    }

    @Test
    void unsignedFileIsInvalid(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("unsigned"), "#!/bin/sh\n");
        assertFalse(CodeSignature.check(file, "anchor apple generic").valid());
    }

    @Test
    void aSignatureOfAnotherTeamFailsTheTeamsRequirement(@TempDir Path dir) throws Exception {
        Path file = signedScript(dir, SigningIdentity.developerId("com.coder.cli", "ZYXWV98765"));
        String team = "anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\"";
        CodeSignatureResult result = CodeSignature.check(file, team);
        assertFalse(result.valid());
        assertEquals(Optional.of("ZYXWV98765"), result.teamIdentifier(), "the signature itself is read and named");
        assertTrue(CodeSignature.check(file, "anchor apple generic and certificate leaf[subject.OU] = \"ZYXWV98765\"")
                .valid());
    }

    @Test
    void aFileChangedAfterSigningIsInvalidThoughItNamesTheTeam(@TempDir Path dir) throws Exception {
        Path file = signedScript(dir, SigningIdentity.developerId("com.coder.cli", "ABCDE12345"));
        SimulatedCodeSigning.tamper(file);
        CodeSignatureResult result = CodeSignature.check(file, "anchor apple generic");
        assertFalse(result.valid());
        assertTrue(result.message().contains("-67061"), result.message()); // errSecCSSignatureFailed
        assertEquals(Optional.of("ABCDE12345"), result.teamIdentifier());
    }

    /** Files signed by a made-up team exist only in the simulator. */
    private static Path signedScript(Path dir, SigningIdentity identity) throws Exception {
        Assumptions.assumeTrue(NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR, "signs with the simulator");
        Path file = Files.writeString(dir.resolve("coder"), "#!/bin/sh\nexec true\n");
        SimulatedCodeSigning.sign(file, identity);
        return file;
    }

    @Test
    void malformedRequirementIsANativeException() {
        NativeException e =
                assertThrows(NativeException.class, () -> CodeSignature.check(ls, "this is not a requirement ((("));
        assertTrue(e.getMessage().contains("invalid requirement"), e.getMessage());
    }
}
