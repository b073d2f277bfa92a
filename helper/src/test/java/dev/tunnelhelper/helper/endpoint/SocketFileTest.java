package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A listening socket's path before and after it is bound (docs/security.md, "Endpoints"): only a
 * socket nobody answers on is replaced; anything else at the path (a live socket, a regular file,
 * a directory, a symbolic link, even one to a socket) is left exactly as it was, with an error
 * that says why. Once bound, the file gets the mode and group it is given.
 */
class SocketFileTest {
    @TempDir
    Path dir;

    private Path path() {
        return dir.resolve("ne.sock");
    }

    /** A socket file whose listener is gone, as a killed helper leaves it. */
    private Path staleSocket(Path path) throws IOException {
        try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
            server.setDeleteOnClose(false);
            server.bind(AFUNIXSocketAddress.of(path));
        }
        assertTrue(isSocket(path), "the stale socket file is still there");
        return path;
    }

    private static boolean isSocket(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return (mode & 0170000) == 0140000;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    private static long gid(Path path) throws IOException {
        return ((Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    @Test
    void aFreePathIsLeftFree() throws IOException {
        SocketFile.claim(path());
        assertFalse(Files.exists(path(), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aStaleSocketIsRemovedSoTheNewOneCanBind() throws IOException {
        Path path = staleSocket(path());
        SocketFile.claim(path);
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "removed");
        try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
            server.bind(AFUNIXSocketAddress.of(path));
            assertTrue(isSocket(path), "and bound again");
        }
    }

    @Test
    void aLiveSocketMeansAnotherInstanceAndIsLeftToIt() throws IOException {
        try (AFUNIXServerSocket live = AFUNIXServerSocket.newInstance()) {
            live.bind(AFUNIXSocketAddress.of(path()));
            AlreadyRunningException e = assertThrows(AlreadyRunningException.class, () -> SocketFile.claim(path()));
            assertEquals(
                    "another tunnel-helper is already listening on " + path()
                            + "; stop it first (or use another --state-dir)",
                    e.getMessage());
            assertTrue(isSocket(path()), "still there");
            assertFalse(live.isClosed());
        }
    }

    @Test
    void aRegularFileIsRefusedAndLeftAsItWas() throws IOException {
        Files.writeString(path(), "somebody's data\n");
        Files.setPosixFilePermissions(path(), PosixFilePermissions.fromString("rw-r-----"));

        IOException e = assertThrows(IOException.class, () -> SocketFile.claim(path()));

        assertEquals(path() + " exists and is not a socket; refusing to replace it", e.getMessage());
        assertEquals("somebody's data\n", Files.readString(path()));
        assertEquals("rw-r-----", mode(path()));
    }

    @Test
    void aDirectoryIsRefusedAndLeftAsItWas() throws IOException {
        Files.createDirectory(path());
        Files.writeString(path().resolve("inside"), "kept");

        IOException e = assertThrows(IOException.class, () -> SocketFile.claim(path()));

        assertEquals(path() + " exists and is not a socket; refusing to replace it", e.getMessage());
        assertEquals("kept", Files.readString(path().resolve("inside")));
    }

    @Test
    void aSymbolicLinkIsRefusedEvenOneToAStaleSocketAndNeitherIsRemoved() throws IOException {
        Path target = staleSocket(dir.resolve("elsewhere.sock"));
        Files.createSymbolicLink(path(), target);

        IOException e = assertThrows(IOException.class, () -> SocketFile.claim(path()));

        assertEquals(path() + " exists and is not a socket; refusing to replace it", e.getMessage());
        assertTrue(Files.isSymbolicLink(path()), "the link is still there");
        assertEquals(target, Files.readSymbolicLink(path()));
        assertTrue(isSocket(target), "and so is what it points to");
    }

    @Test
    void aDanglingSymbolicLinkIsRefusedAndKept() throws IOException {
        Files.createSymbolicLink(path(), dir.resolve("nothing-here"));

        assertThrows(IOException.class, () -> SocketFile.claim(path()));

        assertTrue(Files.isSymbolicLink(path()));
    }

    @Test
    void aBoundSocketGetsTheModeItIsGiven() throws IOException {
        for (String wanted : List.of("rw-------", "rw-rw----")) {
            Path path = dir.resolve(wanted.replace('-', '_') + ".sock");
            try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
                server.bind(AFUNIXSocketAddress.of(path));
                long groupBefore = gid(path);

                SocketFile.protect(path, wanted, null);

                assertEquals(wanted, mode(path));
                assertEquals(groupBefore, gid(path), "no group given: the group is left as it was");
            }
        }
    }

    @Test
    void aBoundSocketGetsTheGroupItIsGiven() throws IOException {
        Path path = path();
        try (AFUNIXServerSocket server = AFUNIXServerSocket.newInstance()) {
            server.bind(AFUNIXSocketAddress.of(path));
            long other = otherGroupWeMayGive(gid(path));
            GroupPrincipal group = dir.getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByGroupName(Long.toString(other));

            SocketFile.protect(path, "rw-rw----", group);

            assertEquals(other, gid(path));
            assertEquals("rw-rw----", mode(path));
        }
    }

    /**
     * A gid other than {@code current} that this process may give a file it owns: any one as
     * root, else one of its supplementary groups (the {@code Groups:} line of its status).
     */
    private static long otherGroupWeMayGive(long current) throws IOException {
        List<String> status = Files.readAllLines(Path.of("/proc/self/status"));
        if (idsOn(status, "Uid:")[1] == 0) {
            return current + 4242;
        }
        Optional<Long> other = Arrays.stream(idsOn(status, "Groups:"))
                .boxed()
                .filter(g -> g != current)
                .findFirst();
        Assumptions.assumeTrue(other.isPresent(), "not root and in no group but the file's own: no group to give it");
        return other.get();
    }

    private static long[] idsOn(List<String> status, String field) {
        return status.stream()
                .filter(l -> l.startsWith(field))
                .flatMap(l -> Arrays.stream(l.substring(field.length()).trim().split("\\s+")))
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
    }
}
