package dev.tunnelhelper.helper.xpc;

import dev.tunnelhelper.shim.CodeSignature;
import dev.tunnelhelper.shim.CodeSignatureResult;
import java.nio.file.Path;

/**
 * A code-signing requirement this JVM's own executable satisfies, so that a test's server still
 * sets one on every peer and its in-process clients pass it: on Linux the simulator's run signs
 * the JVM by a test team (helper/pom.xml, profile {@code xpc-simulator}).
 */
final class OwnCodeRequirement {
    private OwnCodeRequirement() {}

    static String of() {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        CodeSignatureResult own = CodeSignature.check(java, "anchor apple generic");
        String identifier = own.signingIdentifier()
                .orElseThrow(() -> new IllegalStateException(java + " has no signing identifier: " + own.message()));
        return "identifier \"" + identifier + "\"";
    }
}
