package dev.tunnelhelper.helper.endpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket's path: refuses to start beside a live instance, removes a stale file
 * (one nobody answers on), and sets the mode and group once bound.
 */
final class SocketFile {
    private static final Logger log = LoggerFactory.getLogger(SocketFile.class);

    private SocketFile() {}

    /** Makes {@code path} free to bind, or explains why it is not. */
    static void claim(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw new IOException(path + " exists and is not a socket; refusing to replace it");
        }
        if (answers(path)) {
            throw new AlreadyRunningException("another tunnel-helper is already listening on " + path
                    + "; stop it first (or use another --state-dir)");
        }
        log.atInfo()
                .setMessage("removing stale socket file")
                .addKeyValue("path", path)
                .log();
        Files.delete(path);
    }

    /**
     * Path-based chmod/chown: the JDK's no-follow variant opens the file to fchmod it, which a
     * socket refuses (ENXIO). Following is safe here: we just bound this path in a directory
     * only we can write, so nothing can have swapped in a link.
     */
    static void protect(Path path, String mode, GroupPrincipal group) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (group != null) {
            view.setGroup(group);
        }
        view.setPermissions(PosixFilePermissions.fromString(mode));
    }

    private static boolean isSocket(Path path) throws IOException {
        Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & 0170000) == 0140000;
    }

    private static boolean answers(Path path) {
        try (AFUNIXSocket s = AFUNIXSocket.newInstance()) {
            s.connect(AFUNIXSocketAddress.of(path), (int) Duration.ofSeconds(2).toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
