package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.shim.NativePlatform;

/** The {@code <os>-<arch>} a deployment publishes tunnel binaries for. */
public record HostPlatform(String os, String arch) {

    public static HostPlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * Maps JVM {@code os.name}/{@code os.arch} values; an unsupported host is an IllegalStateException.
     * Detection and naming are the shim's ({@link NativePlatform#goArch()}); this adds only which
     * platforms deployments publish.
     */
    public static HostPlatform of(String osName, String osArch) {
        NativePlatform host = NativePlatform.of(osName, osArch);
        if (!host.isLinux() && !host.isMac()) {
            throw new IllegalStateException("no tunnel binaries are published for operating system '" + osName + "'");
        }
        if (!host.arch().equals("x86_64") && !host.arch().equals("aarch64")) {
            throw new IllegalStateException("no tunnel binaries are published for architecture '" + osArch + "'");
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
