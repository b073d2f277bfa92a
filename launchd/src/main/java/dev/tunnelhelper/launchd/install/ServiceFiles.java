package dev.tunnelhelper.launchd.install;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes and removes the files a service install consists of, with the modes launchd/systemd demand. */
public final class ServiceFiles {
    private static final Logger log = LoggerFactory.getLogger(ServiceFiles.class);

    private final boolean chownToRoot;

    /**
     * @param chownToRoot give written files uid 0 / gid 0; launchd refuses a daemon plist that is
     *     not root-owned (gid 0 is wheel on macOS, root on Linux)
     */
    public ServiceFiles(boolean chownToRoot) {
        this.chownToRoot = chownToRoot;
    }

    /** Writes {@code content} atomically with mode 0644 unless the file already holds exactly it. */
    public boolean writeIfChanged(Path target, byte[] content) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
            return false;
        }
        write(target, content, "rw-r--r--");
        return true;
    }

    /** Writes {@code content} only when nothing exists at {@code target}; never overwrites an operator's file. */
    public boolean writeIfAbsent(Path target, byte[] content) throws IOException {
        if (Files.exists(target)) {
            return false;
        }
        write(target, content, "rw-r--r--");
        return true;
    }

    public boolean deleteIfExists(Path target) throws IOException {
        return Files.deleteIfExists(target);
    }

    /** Removes a directory tree without following symlinks out of it. */
    public boolean deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
        return true;
    }

    private void write(Path target, byte[] content, String mode) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            Files.write(temp, content);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString(mode));
            if (chownToRoot) {
                Files.setAttribute(temp, "unix:uid", 0);
                Files.setAttribute(temp, "unix:gid", 0);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            log.debug("wrote {} ({} bytes, {})", target, content.length, mode);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
