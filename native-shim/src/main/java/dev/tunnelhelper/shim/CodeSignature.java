package dev.tunnelhelper.shim;

import java.nio.file.Path;
import java.util.Optional;

/** Static code-signature validation through the Security framework. macOS only. */
public final class CodeSignature {
    private CodeSignature() {}

    /**
     * Checks the file's signature (all architectures, strict) against {@code requirement},
     * e.g. {@code anchor apple generic}. A bad requirement string or unreadable file is a
     * {@link NativeException}; an unsigned or non-matching file is a result with valid=false.
     */
    public static CodeSignatureResult check(Path file, String requirement) {
        NativeShim.get().require(Capability.CODE_SIGNATURE);
        byte[] ident = new byte[256];
        byte[] team = new byte[64];
        ErrorBuffer err = new ErrorBuffer();
        int rc = err.check(NativeShim.get()
                .library()
                .th_codesign_check(
                        file.toAbsolutePath().toString(),
                        requirement,
                        ident,
                        ident.length,
                        team,
                        team.length,
                        err.bytes,
                        err.size()));
        return new CodeSignatureResult(
                rc == 1,
                nonEmpty(ErrorBuffer.cString(ident)),
                nonEmpty(ErrorBuffer.cString(team)),
                rc == 1 ? "valid" : err.text());
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
