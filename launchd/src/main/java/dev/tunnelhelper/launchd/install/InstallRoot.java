package dev.tunnelhelper.launchd.install;

import java.nio.file.Path;

/**
 * Maps the absolute system locations the installer writes to onto a directory tree: {@code /} on
 * a real install, a scratch directory for tests and for staging a package payload.
 */
public record InstallRoot(Path dir) {

    public static final InstallRoot SYSTEM = new InstallRoot(Path.of("/"));

    public InstallRoot {
        dir = dir.toAbsolutePath().normalize();
    }

    public static InstallRoot of(Path dirOrNull) {
        return dirOrNull == null ? SYSTEM : new InstallRoot(dirOrNull);
    }

    /**
     * Where a system path lands under this root.
     *
     * @param absolute a path as the running system sees it, e.g. {@code /etc/systemd/system/x.service} */
    public Path resolve(String absolute) {
        if (!absolute.startsWith("/")) {
            throw new IllegalArgumentException("expected an absolute path, got " + absolute);
        }
        return dir.resolve(absolute.substring(1));
    }
}
