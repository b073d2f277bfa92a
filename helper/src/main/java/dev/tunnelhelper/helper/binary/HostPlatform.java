package dev.tunnelhelper.helper.binary;

import java.util.Locale;

/** The {@code <os>-<arch>} a deployment publishes tunnel binaries for. */
public record HostPlatform(String os, String arch) {

    public static HostPlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** Maps JVM {@code os.name}/{@code os.arch} values; an unsupported host is an IllegalStateException. */
    public static HostPlatform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os;
        if (name.startsWith("linux")) {
            os = "linux";
        } else if (name.startsWith("mac os x") || name.startsWith("darwin")) {
            os = "darwin";
        } else {
            throw new IllegalStateException("no tunnel binaries are published for operating system '" + osName + "'");
        }
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> throw new IllegalStateException("no tunnel binaries are published for architecture '"
                    + osArch + "'");
        };
        return new HostPlatform(os, arch);
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
