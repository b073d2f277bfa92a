package dev.tunnelhelper.testbed.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.RpcTimeoutException;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.vpn.GetPeerUpdate;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StopRequest;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.WakeRequest;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reference tunnel, as a real child process, against a manager-side speaker over real pipes. */
@Timeout(60)
class ReferenceTunnelTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final TunnelSettings settings =
            TunnelSettings.defaults().withSubnet("100.101").withScenario(2, 2, Duration.ofMillis(300));

    private static ManagerMessage start(int tunFd) {
        return ManagerMessage.newBuilder()
                .setStart(StartRequest.newBuilder()
                        .setTunnelFileDescriptor(tunFd)
                        .setCoderUrl("https://coder.example.com")
                        .setApiToken("token-123")
                        .addHeaders(StartRequest.Header.newBuilder()
                                .setName("X-Org")
                                .setValue("acme"))
                        .setDeviceOs("linux"))
                .build();
    }

    @Test
    @RequiresRootAndTun
    void fullConversationStartSettingsPeersWakeAndStop() throws Exception {
        try (TunDevice tun = TunDevice.open(null);
                TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, tun.fd())) {
            Speaker<ManagerMessage, TunnelMessage> manager = tunnel.connect(WAIT);
            assertEquals("1.3", manager.version().toString());

            TunnelMessage started = manager.call(start(TunnelHarness.TUN_FD), WAIT);
            assertTrue(started.getStart().getSuccess(), started.getStart().getErrorMessage());

            NetworkSettingsRequest asked =
                    tunnel.settingsRequests.poll(1, TimeUnit.SECONDS).getNetworkSettings();
            assertEquals(1280, asked.getMtu());
            assertEquals("100.101.0.1", asked.getIpv4Settings().getAddrs(0));
            assertTrue(asked.getIpv4Settings().getAddrs(0).startsWith("100."), "own address in 100.64.0.0/10");
            assertEquals(
                    "100.101.0.0", asked.getIpv4Settings().getIncludedRoutes(0).getDestination());
            assertEquals(
                    "255.255.0.0", asked.getIpv4Settings().getIncludedRoutes(0).getMask());
            assertEquals("coder", asked.getDnsSettings().getMatchDomains(0));

            PeerUpdate first =
                    tunnel.next(TunnelMessage.MsgCase.PEER_UPDATE, WAIT).getPeerUpdate();
            assertEquals(2, first.getUpsertedWorkspacesCount());
            assertEquals(4, first.getUpsertedAgentsCount());
            assertEquals("agent0.ws0.me.coder", first.getUpsertedAgents(0).getFqdn(0));
            assertEquals("100.101.1.2", first.getUpsertedAgents(0).getIpAddrs(0));
            assertEquals(16, first.getUpsertedAgents(0).getId().size(), "ids are 16-byte UUIDs");

            PeerUpdate delta =
                    tunnel.next(TunnelMessage.MsgCase.PEER_UPDATE, WAIT).getPeerUpdate();
            assertTrue(delta.getUpsertedAgents(0).hasLastPing(), "deltas fill last_ping");

            TunnelMessage log = tunnel.next(TunnelMessage.MsgCase.LOG, WAIT);
            assertEquals(java.util.List.of("testbed", "tunnel"), log.getLog().getLoggerNamesList());
            assertFalse(log.getLog().getFieldsList().isEmpty());
            assertFalse(log.toString().contains("token-123"), "the token is never logged");

            PeerUpdate full = manager.call(
                            ManagerMessage.newBuilder()
                                    .setGetPeerUpdate(GetPeerUpdate.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .getPeerUpdate();
            assertTrue(full.getUpsertedAgentsCount() >= 4);
            assertEquals(0, full.getDeletedAgentsCount(), "full state fills only the upserted lists");

            assertTrue(manager.call(
                            ManagerMessage.newBuilder()
                                    .setWake(WakeRequest.getDefaultInstance())
                                    .build(),
                            WAIT)
                    .hasWake());

            TunnelMessage stopped = manager.call(
                    ManagerMessage.newBuilder()
                            .setStop(StopRequest.getDefaultInstance())
                            .build(),
                    WAIT);
            assertTrue(stopped.getStop().getSuccess());
            assertEquals(ExitStatus.exited(0), tunnel.awaitExit(WAIT));
        }
    }

    @Test
    @RequiresRootAndTun
    void refusedNetworkSettingsFailTheStartWithTheManagersMessage() throws Exception {
        try (TunDevice tun = TunDevice.open(null);
                TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, tun.fd())) {
            tunnel.settingsAnswer = NetworkSettingsResponse.newBuilder()
                    .setSuccess(false)
                    .setErrorMessage("route add failed")
                    .build();
            var manager = tunnel.connect(WAIT);
            TunnelMessage reply = manager.call(start(TunnelHarness.TUN_FD), WAIT);
            assertFalse(reply.getStart().getSuccess());
            assertEquals(
                    "network settings failed: route add failed",
                    reply.getStart().getErrorMessage());
        }
    }

    @Test
    void aStartWhoseFdIsNotATunDeviceFailsClearly() throws Exception {
        try (TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, null)) {
            var manager = tunnel.connect(WAIT);
            TunnelMessage reply = manager.call(start(1), WAIT);
            assertFalse(reply.getStart().getSuccess());
            assertTrue(
                    reply.getStart().getErrorMessage().startsWith("tunnel_file_descriptor 1 is not an open TUN device"),
                    reply.getStart().getErrorMessage());
        }
    }

    @Test
    void aStartWithoutUrlOrTokenIsRejected() throws Exception {
        try (TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, null)) {
            var manager = tunnel.connect(WAIT);
            ManagerMessage noUrl = start(5).toBuilder()
                    .setStart(start(5).getStart().toBuilder().clearCoderUrl())
                    .build();
            assertEquals(
                    "missing coder_url", manager.call(noUrl, WAIT).getStart().getErrorMessage());
            ManagerMessage noToken = start(5).toBuilder()
                    .setStart(start(5).getStart().toBuilder().clearApiToken())
                    .build();
            assertEquals(
                    "missing api_token", manager.call(noToken, WAIT).getStart().getErrorMessage());
        }
    }

    @Test
    void endOfStreamOnItsReadPipeMakesTheTunnelExit() throws Exception {
        try (TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, null)) {
            var manager = tunnel.connect(WAIT);
            manager.close();
            assertEquals(ExitStatus.exited(0), tunnel.awaitExit(WAIT));
        }
    }

    @Test
    @RequiresRootAndTun
    void faultCrashAfterStartKillsTheTunnelWithExitCode3() throws Exception {
        TunnelSettings crashing = settings.withFault(TunnelFault.parse("crash-after-start=300"));
        try (TunDevice tun = TunDevice.open(null);
                TunnelHarness tunnel = TunnelHarness.spawn(dir, crashing, tun.fd())) {
            var manager = tunnel.connect(WAIT);
            assertTrue(
                    manager.call(start(TunnelHarness.TUN_FD), WAIT).getStart().getSuccess());
            assertEquals(ExitStatus.exited(3), tunnel.awaitExit(WAIT));
            manager.closeFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void faultGarbageFrameBreaksTheStreamOnStart() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("garbage-frame")), null)) {
            var manager = tunnel.connect(WAIT);
            var reply = manager.request(start(5), WAIT);
            Throwable cause = manager.closeFuture().get(20, TimeUnit.SECONDS);
            assertInstanceOf(ProtocolException.class, cause);
            assertTrue(cause.getMessage().startsWith("garbage protobuf"), cause.getMessage());
            assertTrue(reply.isCompletedExceptionally());
        }
    }

    @Test
    void faultOversizedFrameIsRejectedWithoutAllocating() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("oversized-frame")), null)) {
            var manager = tunnel.connect(WAIT);
            manager.request(start(5), WAIT);
            Throwable cause = manager.closeFuture().get(20, TimeUnit.SECONDS);
            assertEquals("frame of 2147483647 bytes exceeds the maximum of 16777216 bytes", cause.getMessage());
        }
    }

    @Test
    void faultSilentHandshakeTimesOut() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("silent-handshake")), null)) {
            HandshakeException e = assertThrows(HandshakeException.class, () -> tunnel.connect(Duration.ofSeconds(2)));
            assertEquals("handshake timed out after 2000 ms waiting for the peer's header", e.getMessage());
            assertEquals(ExitStatus.exited(0), tunnel.awaitExit(WAIT), "closing its read pipe ends the tunnel");
        }
    }

    @Test
    void faultWrongRoleFailsTheHandshake() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("wrong-role")), null)) {
            HandshakeException e = assertThrows(HandshakeException.class, () -> tunnel.connect(WAIT));
            assertEquals("wrong role: expected tunnel, got manager", e.getMessage());
        }
    }

    @Test
    void faultHandshakeGarbageFailsTheHandshake() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("handshake-garbage")), null)) {
            HandshakeException e = assertThrows(HandshakeException.class, () -> tunnel.connect(WAIT));
            assertTrue(e.getMessage().startsWith("malformed header \"HTTP/1.1 400 Bad Request\""), e.getMessage());
        }
    }

    @Test
    void faultStallStartLeavesTheStartUnanswered() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("stall-start")), null)) {
            var manager = tunnel.connect(WAIT);
            assertThrows(RpcTimeoutException.class, () -> manager.call(start(5), Duration.ofMillis(1500)));
            assertFalse(manager.isClosed(), "a stalled tunnel keeps the stream open");
        }
    }

    @Test
    void faultRefuseStartAnswersWithFailure() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("refuse-start")), null)) {
            var manager = tunnel.connect(WAIT);
            TunnelMessage reply = manager.call(start(5), WAIT);
            assertFalse(reply.getStart().getSuccess());
            assertEquals(
                    "start refused by the reference tunnel (fault mode refuse-start)",
                    reply.getStart().getErrorMessage());
        }
    }

    @Test
    void faultExitImmediatelyEndsWithCode7BeforeTheHandshake() throws Exception {
        try (TunnelHarness tunnel =
                TunnelHarness.spawn(dir, settings.withFault(TunnelFault.parse("exit-immediately")), null)) {
            HandshakeException e = assertThrows(HandshakeException.class, () -> tunnel.connect(WAIT));
            assertTrue(e.getMessage().startsWith("stream ended after 0 header bytes"), e.getMessage());
            assertEquals(ExitStatus.exited(7), tunnel.awaitExit(WAIT));
        }
    }
}
