package dev.tunnelhelper.testbed.deployment;

import dev.tunnelhelper.shim.NativePlatform;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** An {@code <os>-<arch>} pair as it appears in a deployment's {@code /bin/coder-<os>-<arch>} paths. */
public record Platform(String os, String arch) {

    /** The platforms a Coder deployment publishes tunnel binaries for. */
    public static final List<Platform> KNOWN = List.of(
            new Platform("darwin", "arm64"),
            new Platform("darwin", "amd64"),
            new Platform("linux", "amd64"),
            new Platform("linux", "arm64"));

    private static final String BINARY_PREFIX = "/bin/coder-";

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(arch, "arch");
    }

    /** The platform of this JVM, named the way the deployment names it. */
    public static Platform host() {
        return of(NativePlatform.current());
    }

    /** The deployment's name for a platform as the shim names it. */
    static Platform of(NativePlatform platform) {
        return new Platform(platform.os(), platform.goArch());
    }

    /** Parses {@code coder-<os>-<arch>}; empty when the name does not have that shape. */
    public static Optional<Platform> fromBinaryName(String name) {
        if (!name.startsWith("coder-")) {
            return Optional.empty();
        }
        String rest = name.substring("coder-".length());
        int dash = rest.indexOf('-');
        if (dash <= 0 || dash == rest.length() - 1 || rest.indexOf('-', dash + 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(new Platform(rest.substring(0, dash), rest.substring(dash + 1)));
    }

    public boolean isKnown() {
        return KNOWN.contains(this);
    }

    /** {@code coder-linux-amd64}. */
    public String binaryName() {
        return "coder-" + os + "-" + arch;
    }

    /** {@code /bin/coder-linux-amd64}. */
    public String binaryPath() {
        return BINARY_PREFIX + os + "-" + arch;
    }

    @Override
    public String toString() {
        return os + "-" + arch;
    }
}
