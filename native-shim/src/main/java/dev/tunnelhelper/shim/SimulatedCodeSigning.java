package dev.tunnelhelper.shim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Signs files the way the simulator's Security framework and XPC peer requirements read them
 * (an embedded signature; see docs/native-shim.md). Needs the XPC simulator variant loaded.
 */
public final class SimulatedCodeSigning {
    private SimulatedCodeSigning() {}

    /**
     * For the build: {@code java-runtime DIR IDENTIFIER TEAM} makes {@code DIR} a fresh
     * {@link #javaRuntime} signed by the team's Developer ID (what was there is removed, links
     * never followed), so a test JVM can run as the team's code (the XPC carrier contract).
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4 || !args[0].equals("java-runtime")) {
            System.err.println("usage: SimulatedCodeSigning java-runtime DIR IDENTIFIER TEAM");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> tree = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
        System.out.println(javaRuntime(dir, SigningIdentity.developerId(args[2], args[3])));
    }

    /** The loaded library, which must be the simulator's: only it has the simulator's controls. */
    static ShimLibrary simulator() {
        NativeShim shim = NativeShim.get();
        if (shim.variant() != ShimVariant.XPC_SIMULATOR) {
            throw new IllegalStateException("the XPC simulator is not loaded: set " + ShimVariant.PROPERTY + "=xpcsim");
        }
        return shim.library();
    }

    /** Signs (or re-signs) the file in place. Changing the file afterwards invalidates the signature. */
    public static void sign(Path file, SigningIdentity identity) {
        ErrorBuffer err = new ErrorBuffer();
        err.check(simulator()
                .xpcsim_codesign_sign(
                        file.toAbsolutePath().toString(),
                        identity.identifier(),
                        identity.team(),
                        identity.anchor().nativeName(),
                        err.bytes,
                        err.size()));
    }

    /**
     * Changes the signed content of a signed file and keeps its signature, as a patch applied after
     * signing would: the file is still signed by the same identity, but the signature no longer
     * validates. A program (ELF or a script ending in {@code exec}) still runs. Appending to the
     * file instead would leave it unsigned: the signature is found at its end.
     */
    public static void tamper(Path file) {
        ErrorBuffer err = new ErrorBuffer();
        err.check(simulator().xpcsim_codesign_tamper(file.toAbsolutePath().toString(), err.bytes, err.size()));
    }

    /**
     * A Java runtime of its own for one role (helper, extension, app): {@code dir/bin/java} is a
     * copy of this JVM's launcher, signed with {@code identity} (or left unsigned when null); the
     * rest of the runtime is linked to this JVM's. A process started with it is, to XPC peer
     * requirements, that executable, as a bundled, vendor-signed java is on macOS.
     *
     * @return the new {@code bin/java}
     */
    public static Path javaRuntime(Path dir, SigningIdentity identity) {
        Path home = Path.of(System.getProperty("java.home"));
        try {
            Files.createDirectories(dir.resolve("bin"));
            try (var entries = Files.list(home)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    String name = entry.getFileName().toString();
                    if (!name.equals("bin")) {
                        Files.createSymbolicLink(dir.resolve(name), entry);
                    }
                }
            }
            Path java = dir.resolve("bin/java");
            Files.copy(home.resolve("bin/java"), java, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (identity != null) {
                sign(java, identity);
            }
            return java;
        } catch (IOException e) {
            throw new UncheckedIOException("creating a Java runtime in " + dir, e);
        }
    }
}
