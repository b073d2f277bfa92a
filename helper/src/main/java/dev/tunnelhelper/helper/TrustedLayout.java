package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.TrustProblem;
import dev.tunnelhelper.protocol.trust.UntrustedPathException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every path the helper reads, writes, executes from or binds, checked with {@link PathTrust}
 * (OpenSSH's StrictModes) before the helper touches any of them: a root process that reads a
 * config, appends to a log, chmods a socket or runs a binary somewhere another user can write
 * hands that user root. Missing directories are created (0755, logs 0750) only after every
 * check passed, and only inside directories already verified; nothing that exists is ever
 * chmodded or chowned. The first problem found is the one error the helper stops with.
 */
final class TrustedLayout {
    static final String LOG_FILE = "helper.log";
    private static final String DIRECTORY_MODE = "rwxr-xr-x";
    private static final String LOG_DIRECTORY_MODE = "rwxr-x---";

    private final PathTrust trust;

    TrustedLayout(PathTrust trust) {
        this.trust = trust;
    }

    /** Before the config is read: the state directory (if any) and the config file (if it exists). */
    void checkConfigSource(Path stateDir, Path configFile) throws UntrustedPathException {
        if (stateDir != null) {
            trust.requireCreatable(stateDir, "state directory");
        }
        if (Files.exists(configFile, LinkOption.NOFOLLOW_LINKS)) {
            trust.require(configFile, PathTrust.Kind.FILE, "config file");
        }
    }

    /**
     * Checks the socket, binary and log directories, the log files already there and every file
     * the config names (pinned keys, extra CA), then creates the missing directories.
     *
     * @param sockets false when the endpoints are XPC services, which have no socket directory
     */
    void prepare(HelperPaths paths, HelperConfig config, boolean sockets) throws UntrustedPathException {
        List<Path> directories = new ArrayList<>();
        if (sockets) {
            directories.add(paths.socketDirectory());
        }
        directories.add(paths.binaryDirectory());
        directories.add(paths.logDirectory());
        for (Path dir : directories) {
            trust.requireCreatable(dir, what(paths, dir));
        }
        if (Files.isDirectory(paths.logDirectory(), LinkOption.NOFOLLOW_LINKS)) {
            for (Path log : logFiles(paths.logDirectory())) {
                trust.require(log, PathTrust.Kind.FILE, "log file");
            }
        }
        for (String key : config.verification().ed25519PublicKeys()) {
            trust.require(Path.of(key), PathTrust.Kind.FILE, "pinned Ed25519 key");
        }
        if (config.download().extraCaCertificate() != null) {
            trust.require(Path.of(config.download().extraCaCertificate()), PathTrust.Kind.FILE, "extra CA certificate");
        }
        for (Path dir : directories) {
            trust.createDirectories(
                    dir, dir.equals(paths.logDirectory()) ? LOG_DIRECTORY_MODE : DIRECTORY_MODE, what(paths, dir));
        }
    }

    private static String what(HelperPaths paths, Path dir) {
        if (dir.equals(paths.socketDirectory())) {
            return "socket directory";
        }
        return dir.equals(paths.binaryDirectory()) ? "binary directory" : "log directory";
    }

    /** {@code helper.log} and its rolled copies {@code helper.log.N}. */
    private static List<Path> logFiles(Path dir) throws UntrustedPathException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, LOG_FILE + "*")) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw new UntrustedPathException(
                    "log directory " + dir,
                    new TrustProblem(dir, -1, -1, "cannot list it: " + e.getMessage(), "make it readable"));
        }
        return files;
    }
}
