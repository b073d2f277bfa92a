package dev.tunnelhelper.helper.doctor;

import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.TrustProblem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nobody but root (or the helper's own user) could have written the helper's files or anything
 * above them: {@link PathTrust}'s StrictModes walk over the config, the socket, binary and log
 * directories (and the state dir holding them).
 */
final class StateDirectoryCheck {
    static final String NAME = "state-directory";

    private final HelperPaths paths;
    private final Optional<Path> stateDir;
    private final PathTrust trust;

    StateDirectoryCheck(HelperPaths paths, Optional<Path> stateDir, PathTrust trust) {
        this.paths = paths;
        this.stateDir = stateDir;
        this.trust = trust;
    }

    Check run() {
        Map<Path, PathTrust.Kind> wanted = new LinkedHashMap<>();
        stateDir.ifPresent(d -> wanted.put(d.toAbsolutePath().normalize(), PathTrust.Kind.DIRECTORY));
        wanted.put(paths.config(), PathTrust.Kind.FILE);
        wanted.put(paths.socketDirectory(), PathTrust.Kind.DIRECTORY);
        wanted.put(paths.binaryDirectory(), PathTrust.Kind.DIRECTORY);
        wanted.put(paths.logDirectory(), PathTrust.Kind.DIRECTORY);
        List<String> absent = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<Path, PathTrust.Kind> e : wanted.entrySet()) {
            Path path = e.getKey();
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                // A missing file is only news if something above it is untrusted: then it could be planted.
                Optional<TrustProblem> above = trust.inspect(existingAncestor(path), PathTrust.Kind.DIRECTORY);
                if (above.isPresent()) {
                    return fail(above.get());
                }
                absent.add(path.toString());
                continue;
            }
            Optional<TrustProblem> problem = trust.inspect(path, e.getValue());
            if (problem.isPresent()) {
                return fail(problem.get());
            }
            checked++;
        }
        String owners = trust.trustedUid() == 0 ? "root" : "root or uid " + trust.trustedUid();
        String detail = checked + " path(s) and every directory above them writable only by " + owners
                + (absent.isEmpty()
                        ? ""
                        : "; not there yet (the helper creates them, or they are optional): "
                                + String.join(", ", absent));
        return Check.ok(NAME, detail);
    }

    private static Check fail(TrustProblem problem) {
        return Check.fail(NAME, problem.path() + " (" + problem.evidence() + "): " + problem.reason(), problem.fix());
    }

    private static Path existingAncestor(Path path) {
        Path p = path.toAbsolutePath().normalize().getParent();
        while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        return p == null ? path.getRoot() : p;
    }
}
