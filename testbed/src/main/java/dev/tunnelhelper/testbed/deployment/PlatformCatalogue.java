package dev.tunnelhelper.testbed.deployment;

/**
 * Which {@code coder-<os>-<arch>} names the deployment answers. The single binary it has is the
 * host's; other known platforms get the same bytes only when the behaviour says so, which lets
 * a test on Linux pretend to be a Mac client.
 */
final class PlatformCatalogue {

    private final Platform host;

    PlatformCatalogue(Platform host) {
        this.host = host;
    }

    Platform host() {
        return host;
    }

    boolean serves(String binaryName, ServingBehaviour behaviour) {
        return Platform.fromBinaryName(binaryName)
                .map(p -> p.equals(host) || (behaviour.serveAllPlatforms() && p.isKnown()))
                .orElse(false);
    }
}
