package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.TrustProblem;
import dev.tunnelhelper.protocol.trust.UntrustedPathException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory binaries are stored in and executed from. Whatever is in it runs as root, so
 * it must be trusted by {@link PathTrust} (the one StrictModes rule of the project): owned by root
 * (or, when the helper runs unprivileged, by the helper's own uid), writable by nobody else, no
 * symbolic link, and the same for every directory above it (a sticky directory such as /tmp is
 * tolerated: others cannot rename entries they do not own there).
 * All writes go to fresh temp files (O_EXCL, no symlink following) that are renamed into place,
 * so a symlink planted at the destination is replaced, never written through.
 */
final class BinaryDirectory {

    private static final Logger log = LoggerFactory.getLogger(BinaryDirectory.class);
    private static final String TEMP_MARKER = ".download-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final PathTrust trust;

    private BinaryDirectory(Path dir, PathTrust trust) {
        this.dir = dir;
        this.trust = trust;
    }

    /**
     * Creates the directory if missing (0755, only inside directories already trusted), then
     * refuses it unless it is safe to execute from. Nothing that already exists is chmodded.
     */
    static BinaryDirectory open(Path configured, int ownerUid) throws AcquisitionException {
        PathTrust trust = PathTrust.forUid(ownerUid);
        Path real;
        try {
            trust.createDirectories(configured, "rwxr-xr-x", "binary directory");
            // Trusted all the way down, so resolving the links above it (macOS /var) cannot be steered by anyone else.
            real = configured.toRealPath();
        } catch (UntrustedPathException e) {
            throw storage(e.getMessage(), e);
        } catch (IOException e) {
            throw storage("cannot resolve the binary directory " + configured + ": " + e.getMessage(), e);
        }
        BinaryDirectory directory = new BinaryDirectory(real, trust);
        directory.removeStaleTempFiles();
        return directory;
    }

    Path path() {
        return dir;
    }

    /** Where the binary called {@code name} lives; the name can never lead out of the directory. */
    Path binaryPath(String name) throws AcquisitionException {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*") || name.contains("..")) {
            throw storage("refusing binary name '" + name + "'", null);
        }
        Path resolved = dir.resolve(name).normalize();
        if (!dir.equals(resolved.getParent())) {
            throw storage("binary path " + resolved + " escapes " + dir, null);
        }
        return resolved;
    }

    /**
     * The installed binary, if there is a trustworthy one: a regular file (a symlink does not
     * count), owned like the directory and not writable by group or others.
     */
    Optional<Path> installedBinary(String name) throws AcquisitionException {
        Path path = binaryPath(name);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Optional<TrustProblem> problem = trust.inspect(path, PathTrust.Kind.FILE);
        if (problem.isPresent()) {
            log.atWarn()
                    .setMessage("ignoring untrustworthy file at the binary path; it will be replaced")
                    .addKeyValue("path", path)
                    .addKeyValue("problem", problem.get().describe())
                    .log();
            return Optional.empty();
        }
        return Optional.of(path);
    }

    /** A new, empty, owner-only temp file next to the binary's final path. */
    TempFile createTemp(String name) throws AcquisitionException {
        binaryPath(name);
        for (int attempt = 0; attempt < 5; attempt++) {
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            Path temp = dir.resolve("." + name + TEMP_MARKER + HexFormat.of().formatHex(random));
            try {
                FileChannel channel = FileChannel.open(
                        temp,
                        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                return new TempFile(temp, channel);
            } catch (FileAlreadyExistsException e) {
                // Astronomically unlikely with 64 random bits; try another name rather than reuse it.
            } catch (IOException e) {
                throw storage("cannot create a temp file in " + dir + ": " + e.getMessage(), e);
            }
        }
        throw storage("cannot create a unique temp file in " + dir, null);
    }

    /** rwxr-xr-x: executable by the probe and the session, writable only by the owner. */
    void makeExecutable(Path file) throws AcquisitionException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw storage("cannot make " + file + " executable: " + e.getMessage(), e);
        }
    }

    /** Atomically replaces whatever is at the destination (a symlink included) with the verified temp file. */
    void install(Path temp, Path destination) throws AcquisitionException {
        try {
            Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
                directory.force(true);
            }
        } catch (IOException e) {
            throw storage("cannot move the verified binary into place at " + destination + ": " + e.getMessage(), e);
        }
    }

    /** Deletes a file (never what a symlink points to); failures are logged, not thrown. */
    void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.atError()
                    .setMessage("cannot delete a rejected binary")
                    .addKeyValue("path", file)
                    .setCause(e)
                    .log();
        }
    }

    private void removeStaleTempFiles() {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*" + TEMP_MARKER + "*")) {
            for (Path stale : entries) {
                log.atInfo()
                        .setMessage("removing a temp file left by an interrupted download")
                        .addKeyValue("path", stale)
                        .log();
                deleteQuietly(stale);
            }
        } catch (IOException e) {
            log.atWarn()
                    .setMessage("cannot list the binary directory for stale temp files")
                    .addKeyValue("path", dir)
                    .setCause(e)
                    .log();
        }
    }

    private static AcquisitionException storage(String message, Throwable cause) {
        return new AcquisitionException(Step.STORAGE, message, cause);
    }

    /** A temp file being written; the channel is the only handle to it. */
    record TempFile(Path path, FileChannel channel) {}
}
