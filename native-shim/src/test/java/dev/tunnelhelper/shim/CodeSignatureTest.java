package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import dev.tunnelhelper.shim.testing.RequiresCapability;
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
        CodeSignatureResult result = CodeSignature.check(ls,
                "anchor apple generic and certificate leaf[subject.OU] = \"NOTATEAMID\"");
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
    void malformedRequirementIsANativeException() {
        NativeException e = assertThrows(NativeException.class,
                () -> CodeSignature.check(ls, "this is not a requirement ((("));
        assertTrue(e.getMessage().contains("invalid requirement"), e.getMessage());
    }
}
