package dev.tunnelhelper.shim;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds an installed program on PATH and in the sbin directories a root shell has but a service
 * may not: the one lookup for optional tools (resolvectl, systemd-analyze...) and for the tests'
 * {@code @RequiresTool}, so "installed" means the same everywhere.
 */
public final class Executables {
    private static final List<String> SYSTEM_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private Executables() {}

    /** {@code name} on PATH or in a system directory; an absolute path is taken as it is. */
    public static Optional<Path> find(String name) {
        if (name.startsWith("/")) {
            Path path = Path.of(name);
            return Files.isRegularFile(path) && Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        String path = System.getenv("PATH");
        List<String> dirs = new java.util.ArrayList<>();
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        dirs.addAll(SYSTEM_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
