package dev.tunnelhelper.shim;

import java.util.Locale;
import java.util.Objects;

/** An operating system and CPU pair in the names the jar's {@code native/<os>-<arch>/} folders use. */
public record NativePlatform(String os, String arch) {

    public NativePlatform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(arch, "arch");
    }

    public static NativePlatform current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** Maps JVM property values ({@code Mac OS X}, {@code amd64}, ...) to folder names. */
    public static NativePlatform of(String osName, String osArch) {
        String name = osName.toLowerCase(Locale.ROOT);
        String os;
        if (name.startsWith("linux")) {
            os = "linux";
        } else if (name.startsWith("mac") || name.startsWith("darwin")) {
            os = "darwin";
        } else {
            os = name.replaceAll("[^a-z0-9]", "");
        }
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x86-64", "x64" -> "x86_64";
            case "arm64", "aarch64" -> "aarch64";
            default -> osArch.toLowerCase(Locale.ROOT);
        };
        return new NativePlatform(os, arch);
    }

    /**
     * The architecture as Go names it ({@code amd64}, {@code arm64}): Coder deployments publish
     * {@code coder-<os>-<goarch>}. Other architectures keep the shim's name.
     */
    public String goArch() {
        return switch (arch) {
            case "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }

    public boolean isMac() {
        return os.equals("darwin");
    }

    public boolean isLinux() {
        return os.equals("linux");
    }

    public String libraryFileName() {
        return isMac() ? "libtunnelshim.dylib" : "libtunnelshim.so";
    }

    public String resourcePath() {
        return resourcePath(libraryFileName());
    }

    /** Where a file built for this platform sits in the jar. */
    public String resourcePath(String fileName) {
        return "native/" + this + "/" + fileName;
    }

    @Override
    public String toString() {
        return os + "-" + arch;
    }
}
