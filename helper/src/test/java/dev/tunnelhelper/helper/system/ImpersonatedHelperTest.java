package dev.tunnelhelper.helper.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.testing.OtherUser;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.io.FileDescriptor;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * Issue 12, attack 4: another user listens where the helper's socket should be. Root's
 * {@code netext-bridge start} (and {@code app-client}) must refuse before sending anything: no
 * hello line, no token, no header, no TUN descriptor. Uid 65534 plays the impersonator.
 */
@Timeout(120)
@RequiresRootAndTun
class ImpersonatedHelperTest {
    private static final String TOKEN = "impersonation-test-token";

    @TempDir
    Path dir;

    private Path state;
    private Path token;
    private AFUNIXServerSocket fake;

    @BeforeEach
    void stateDirectory() throws Exception {
        state = Files.createDirectory(dir.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));
        token = Files.writeString(dir.resolve("token"), TOKEN);
    }

    @AfterEach
    void closeFake() throws Exception {
        if (fake != null) {
            OtherUser.close(fake);
        }
    }

    private List<List<String>> clients(Path socketDir) {
        return List.of(
                Programs.netextBridge(
                        "start",
                        "--url",
                        "http://127.0.0.1:9",
                        "--token-file",
                        token.toString(),
                        "--header",
                        "X-Secret=header-value",
                        "--state-dir",
                        state.toString()),
                Programs.netextBridge("stop", "--state-dir", state.toString()),
                Programs.appClient(
                        "status", "--socket", socketDir.resolve("ne.sock").toString()));
    }

    private Programs.Result run(List<String> argv) throws Exception {
        return Programs.run(dir.resolve("logs"), "client", argv, Duration.ofSeconds(60));
    }

    @Test
    void aSocketDirectoryAnotherUserOwnsIsRefusedBeforeConnecting() throws Exception {
        Path run = Files.createDirectory(state.resolve("run"));
        Files.setAttribute(run, "unix:uid", (int) OtherUser.NOBODY.uid());
        fake = OtherUser.NOBODY.listen(run.resolve("ne.sock"));
        fake.setSoTimeout(500);

        for (List<String> argv : clients(run)) {
            Programs.Result r = run(argv);
            assertEquals(3, r.code(), argv + "\n" + r.err());
            assertTrue(
                    r.err()
                            .contains("refusing to talk to " + run.resolve("ne.sock") + ": " + run
                                    + " (uid 65534, mode 0755): it is owned by uid 65534, not by root"),
                    r.err());
            assertTrue(r.err().contains("Nothing was sent to it."), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
        }
        assertThrows(SocketTimeoutException.class, fake::accept, "no client ever connected");
    }

    /** The socket file looks right (root's, in root's directory), but whoever listens on it is not root. */
    @Test
    void aListenerRunningAsAnotherUserIsRefusedAndReceivesNothing() throws Exception {
        Path attackerDir = Files.createDirectory(dir.resolve("attacker"));
        Files.setAttribute(attackerDir, "unix:uid", (int) OtherUser.NOBODY.uid());
        fake = OtherUser.NOBODY.listen(attackerDir.resolve("ne.sock"));
        Path run = Files.createDirectory(state.resolve("run"));
        Path socket = Files.move(attackerDir.resolve("ne.sock"), run.resolve("ne.sock"));
        Files.setAttribute(socket, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
        fake.setSoTimeout(10_000);

        for (List<String> argv : clients(run)) {
            Programs.Result r = run(argv);
            assertEquals(3, r.code(), argv + "\n" + r.err());
            assertTrue(
                    r.err().contains("refusing to talk to " + socket + ": the process listening there (pid "), r.err());
            assertTrue(
                    r.err()
                            .contains(
                                    ") runs as uid 65534, not as root, so it is not the helper. Nothing was sent to it."),
                    r.err());

            try (AFUNIXSocket client = fake.accept()) {
                assertEquals(0, client.getPeerCredentials().getUid(), "root's client did connect");
                client.setAncillaryReceiveBufferSize(256);
                client.setSoTimeout(10_000);
                InputStream in = client.getInputStream();
                byte[] received = in.readAllBytes();
                FileDescriptor[] fds = client.getReceivedFileDescriptors();
                assertEquals(
                        "",
                        new String(received, java.nio.charset.StandardCharsets.UTF_8),
                        "not one byte: no hello, no token, no header");
                assertEquals(0, fds == null ? 0 : fds.length, "no descriptor (the TUN device)");
            }
        }
    }
}
