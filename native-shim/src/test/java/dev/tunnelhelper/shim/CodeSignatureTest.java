package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(value = OS.MAC, disabledReason = "the Security framework is macOS-only")
class CodeSignatureTest {

    @Test
    void binLsIsAppleSigned() {
        CodeSignatureResult result = CodeSignature.check(Path.of("/bin/ls"), "anchor apple");
        assertTrue(result.valid(), result.message());
        assertEquals(Optional.of("com.apple.ls"), result.signingIdentifier());
        // Platform binaries carry no team identifier.
        assertEquals(Optional.empty(), result.teamIdentifier());
    }

    @Test
    void unmetRequirementIsInvalidWithAReason() {
        CodeSignatureResult result = CodeSignature.check(Path.of("/bin/ls"),
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
                () -> CodeSignature.check(Path.of("/bin/ls"), "this is not a requirement ((("));
        assertTrue(e.getMessage().contains("invalid requirement"), e.getMessage());
    }
}
