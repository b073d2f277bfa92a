package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails at any step answers the extension with an error naming the step, leaves
 * no child behind, and the helper is idle and ready for the next start.
 */
@Timeout(120)
class StartFailureTest {
    @TempDir
    Path dir;

    /** Starts with a pipe standing in for the TUN fd: these starts fail before the tunnel checks it. */
    private static Result startWithoutTun(HelperFixture f) throws Exception {
        return startWithoutTun(f.extension(), f.startRequest());
    }

    private static void assertIdleAfter(HelperFixture f, Result result, String expectedPrefix) throws Exception {
        assertFalse(result.getSuccess());
        assertTrue(result.getErrorMessage().startsWith(expectedPrefix), result.getErrorMessage());
        HelperStatus status = SessionLifecycleTest.status(f.app(in -> {}));
        assertEquals(SessionState.SESSION_STATE_IDLE, status.getState());
        assertEquals(result.getErrorMessage(), status.getErrorMessage(), "status keeps the last failure");
        assertFalse(status.getErrorMessage().contains(HelperFixture.TOKEN));
    }

    @Test
    void aServerBelowTheMinimumVersion() throws Exception {
        var tunnel = HelperFixture.tunnel("100.112").withVersion("v2.20.0");
        try (HelperFixture f =
                HelperFixture.start(dir, BinarySource.bytes("old", TunnelLauncher.script(tunnel)), "v2.20.0", c -> c)) {
            Result r = startWithoutTun(f);
            assertIdleAfter(f, r, "checking the minimum version: ");
            assertTrue(
                    r.getErrorMessage().contains("2.20.0")
                            && r.getErrorMessage().contains("2.24.3"),
                    r.getErrorMessage());
        }
    }

    @Test
    void aDownloadError() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.112"))) {
            f.deployment.updateBehaviour(b -> b.withBinaryFailure(500));
            assertIdleAfter(f, startWithoutTun(f), "downloading the tunnel binary: ");
        }
    }

    @Test
    void aBadSignature() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.112"))) {
            f.deployment.updateBehaviour(b -> b.withTamperedBody(true));
            assertIdleAfter(f, startWithoutTun(f), "verifying the binary's signature: ");
            try (var files = Files.list(f.helper.paths().binaryDirectory())) {
                assertEquals(0, files.count(), "the rejected binary is gone");
            }
        }
    }

    @Test
    void garbageInTheTunnelsHandshake() throws Exception {
        try (HelperFixture f =
                HelperFixture.start(dir, HelperFixture.faulty(HelperFixture.tunnel("100.112"), "handshake-garbage"))) {
            assertIdleAfter(f, startWithoutTun(f), "handshake with the tunnel: malformed header");
        }
    }

    @Test
    void aTunnelThatNeverAnswersTheHandshake() throws Exception {
        try (HelperFixture f = HelperFixture.start(
                dir,
                HelperFixture.faulty(HelperFixture.tunnel("100.112"), "silent-handshake"),
                c -> c.toBuilder()
                        .tunnel(HelperFixture.timeouts()
                                .handshakeTimeoutMillis(1_500)
                                .build())
                        .build())) {
            assertIdleAfter(f, startWithoutTun(f), "handshake with the tunnel: handshake timed out after 1500 ms");
        }
    }

    @Test
    void aStartRefusedByTheTunnel() throws Exception {
        try (HelperFixture f =
                HelperFixture.start(dir, HelperFixture.faulty(HelperFixture.tunnel("100.112"), "refuse-start"))) {
            assertIdleAfter(
                    f,
                    startWithoutTun(f),
                    "starting the tunnel: the tunnel refused: start refused by the reference tunnel");
        }
    }

    @Test
    void aTunnelThatBreaksTheProtocolDuringStart() throws Exception {
        try (HelperFixture f =
                HelperFixture.start(dir, HelperFixture.faulty(HelperFixture.tunnel("100.112"), "garbage-frame"))) {
            Result r = startWithoutTun(f);
            assertIdleAfter(f, r, "starting the tunnel: ");
            assertTrue(r.getErrorMessage().contains("garbage protobuf"), r.getErrorMessage());
        }
    }

    @Test
    void aStartWithoutTheTunFdAttachedIsABadRequest() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.112"))) {
            var reply = f.extension()
                    .speaker
                    .call(
                            dev.tunnelhelper.protocol.helper.ExtensionMessage.newBuilder()
                                    .setStartDaemon(f.startRequest())
                                    .build(),
                            HelperFixture.WAIT);
            assertEquals("BAD_REQUEST", reply.getError().getCode());
            assertEquals(
                    "StartDaemon needs exactly one file descriptor attached (the TUN device), got 0",
                    reply.getError().getMessage());
        }
    }

    @Test
    void aHeaderValueWithAControlCharacterIsABadRequestNamingTheHeaderButNeverItsValue() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.114"))) {
            var ne = f.extension();
            for (String value :
                    List.of("secret\u0001value", "secret\r\nX-Injected: 1", "secret\tvalue", "secret\u007f")) {
                StartDaemon request = f.startRequest().toBuilder()
                        .clearHeaders()
                        .addHeaders(StartRequest.Header.newBuilder()
                                .setName("X-Api-Key")
                                .setValue(value))
                        .build();
                Result r = startWithoutTun(ne, request);
                assertEquals(
                        "BAD_REQUEST: header 'X-Api-Key' has a control character in its value", r.getErrorMessage());
            }
            assertEquals(0, f.deployment.counters().totalRequests(), "refused before anything was started");
            HelperStatus status = SessionLifecycleTest.status(f.app(in -> {}));
            assertEquals(SessionState.SESSION_STATE_IDLE, status.getState());
            assertFalse(status.getErrorMessage().contains("secret"));
        }
    }

    private static Result startWithoutTun(HelperFixture.Extension ne, StartDaemon request) throws Exception {
        try (Pipe p = Fds.pipe()) {
            return ne.start(request, p.readEnd().get());
        }
    }

    @Test
    @RequiresRootAndTun
    void networkSettingsRefusedByTheExtension() throws Exception {
        try (HelperFixture f = HelperFixture.start(dir, HelperFixture.tunnel("100.113"))) {
            var ne = f.extension();
            ne.settingsAnswer = Result.newBuilder()
                    .setSuccess(false)
                    .setErrorMessage("RTNETLINK answers: File exists")
                    .build();
            TunDevice tun = f.tun();
            assertIdleAfter(
                    f,
                    ne.start(tun.fd()),
                    "starting the tunnel: the tunnel refused: network settings failed: RTNETLINK answers: File exists");
        }
    }
}
