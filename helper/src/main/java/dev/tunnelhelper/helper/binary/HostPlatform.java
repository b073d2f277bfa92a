package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.shim.NativePlatform;

/** The {@code <os>-<arch>} a deployment publishes tunnel binaries for. */
public record HostPlatform(String os, String arch) {

    public static HostPlatform current() {
        return of(NativePlatform.current());
    }

    /**
     * The deployment's name for {@code host}; an unsupported host is an IllegalStateException.
     * Detection and naming are the shim's ({@link NativePlatform#goArch()}); this adds only which
     * platforms deployments publish.
     */
    public static HostPlatform of(NativePlatform host) {
        if (!host.isLinux() && !host.isMac()) {
            throw new IllegalStateException(
                    "no tunnel binaries are published for operating system '" + host.os() + "'");
        }
        if (!host.arch().equals("x86_64") && !host.arch().equals("aarch64")) {
            throw new IllegalStateException("no tunnel binaries are published for architecture '" + host.arch() + "'");
        }
        return new HostPlatform(host.os(), host.goArch());
    }

    public boolean isMac() {
        return os.equals("darwin");
    }

    /** e.g. {@code coder-linux-amd64}: both the URL's last segment and the file name on disk. */
    public String binaryName() {
        return "coder-" + os + "-" + arch;
    }

    @Override
    public String toString() {
        return os + "-" + arch;
    }
}
