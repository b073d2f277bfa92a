package dev.tunnelhelper.protocol.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A client checks where the helper's socket lives before it sends a single byte. (A listener
 * that runs as another user is refused too: {@code netext-bridge}'s {@code ImpersonatedHelperTest},
 * which needs root to be another user.)
 */
@Timeout(30)
class EndpointClientTrustTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private Path base;
    private AFUNIXServerSocket listener;

    @BeforeEach
    void privateBase() throws Exception {
        base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
        }
    }

    private Path listenIn(Path dir) throws Exception {
        Path socket = dir.resolve("ne.sock");
        listener = AFUNIXServerSocket.newInstance();
        listener.bind(AFUNIXSocketAddress.of(socket));
        listener.setSoTimeout(200);
        return socket;
    }

    private void assertNobodyConnected() throws Exception {
        assertThrows(SocketTimeoutException.class, () -> listener.accept(), "the client never even connected");
    }

    @Test
    void aSocketInADirectoryOthersCanWriteIsRefusedBeforeConnecting() throws Exception {
        Path open = Files.createDirectory(base.resolve("run"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path socket = listenIn(open);

        UntrustedHelperException e = assertThrows(
                UntrustedHelperException.class, () -> EndpointClient.connectExtension(socket, TIMEOUT, in -> {}));

        assertTrue(e.getMessage().startsWith("refusing to talk to " + socket + ": " + open + " (uid "), e.getMessage());
        assertTrue(
                e.getMessage().contains("mode 0777): a directory above it is writable by group or others"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("Nothing was sent to it."), e.getMessage());
        assertEquals(socket, e.socket());
        assertNobodyConnected();
    }

    @Test
    void aSymbolicLinkWhereTheSocketShouldBeIsRefused() throws Exception {
        Path real = listenIn(Files.createDirectory(base.resolve("elsewhere")));
        Path run = Files.createDirectory(base.resolve("run"));
        Path link = Files.createSymbolicLink(run.resolve("app.sock"), real);

        UntrustedHelperException e =
                assertThrows(UntrustedHelperException.class, () -> EndpointClient.connectApp(link, TIMEOUT, in -> {}));

        assertTrue(e.getMessage().contains("it is a symbolic link"), e.getMessage());
        assertNobodyConnected();
    }

    @Test
    void noSocketAtAllIsPlainUnavailabilityNotDistrust() {
        HelperUnavailableException e = assertThrows(
                HelperUnavailableException.class,
                () -> EndpointClient.connectApp(base.resolve("app.sock"), TIMEOUT, in -> {}));
        assertFalse(e instanceof UntrustedHelperException, e.getMessage());
        assertTrue(e.getMessage().startsWith("tunnel helper is not running: no socket"), e.getMessage());
    }
}
