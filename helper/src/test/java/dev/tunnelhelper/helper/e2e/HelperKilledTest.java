package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import dev.tunnelhelper.testbed.tunnel.TunnelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A helper killed with SIGKILL mid-session: its tunnel must not outlive it, a client meeting the
 * stale socket is told the helper is not running (exit 3), and a restarted helper replaces the
 * stale socket and serves again.
 */
@Timeout(240)
class HelperKilledTest {
    @TempDir
    Path dir;

    private HelperProcesses helpers;

    @BeforeEach
    void processes() {
        helpers = new HelperProcesses(dir);
    }

    /** Every process a test starts, so a failing assertion never leaves a daemon behind. */
    @AfterEach
    void reapEverything() throws InterruptedException {
        helpers.close();
    }

    @Test
    @RequiresRootAndTun
    void aTunnelDoesNotOutliveAHelperKilledWithSigkillClientsSeeItIsGoneAndARestartedHelperServesANewSession()
            throws Exception {
        Path deploymentDir = Files.createDirectories(dir.resolve("deployment"));
        // ignore-stop: the tunnel stays up when its pipes close and ignores SIGTERM, so only the
        // parent-death signal (SIGKILL) can end it once the helper is gone.
        TunnelSettings stubborn = HelperFixture.faulty(HelperFixture.tunnel("100.131"), "ignore-stop");
        Path state = dir.resolve("state");
        HelperPaths paths = HelperPaths.underStateDir(state);
        try (DeploymentServer deployment = serving(deploymentDir, stubborn);
                TunDevice tun = TunDevice.open(null)) {
            Process helper = helper(state, deployment.publicKeyPath());
            // The app endpoint listens after the extension endpoint: once it is there, both accept.
            HelperProcesses.awaitSocket(paths.appSocket(), helper);
            try (var ne = extension(paths)) {
                assertTrue(start(ne, deployment.url(), tun).getSuccess());
                List<ProcessHandle> children = helper.toHandle().children().toList();
                assertEquals(1, children.size(), "one tunnel child");
                ProcessHandle tunnel = children.get(0);

                helper.destroyForcibly().waitFor(); // SIGKILL: no cleanup of its own

                tunnel.onExit().get(30, TimeUnit.SECONDS);
            }
        }
        // The killed helper's socket files are still there, with nobody listening: a client says so.
        assertTrue(Files.exists(paths.appSocket()));
        HelperProcesses.Finished status = helpers.run("status", "--state-dir", state.toString());
        assertEquals(ExitCodes.HELPER_UNAVAILABLE, status.exit(), status.output());
        assertTrue(
                status.output().contains("tunnel helper is not running: cannot connect to the helper's app endpoint"),
                status.output());
        try (DeploymentServer healthy = serving(deploymentDir, HelperFixture.tunnel("100.131"));
                TunDevice tun = TunDevice.open(null)) {
            Process restarted = helper(state, healthy.publicKeyPath());
            awaitReady(paths, restarted);
            assertTrue(Files.readString(paths.logDirectory().resolve("helper.log"))
                    .contains("removing stale socket file"));
            try (var ne = extension(paths)) {
                Result second = start(ne, healthy.url(), tun);
                assertTrue(second.getSuccess(), second.toString());
            }
            restarted.destroy();
            assertTrue(restarted.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, restarted.exitValue());
        }
    }

    private static DeploymentServer serving(Path deploymentDir, TunnelSettings tunnel) throws IOException {
        return DeploymentServer.start(
                DeploymentOptions.builder(deploymentDir, BinarySource.bytes("tunnel", TunnelLauncher.script(tunnel)))
                        .build());
    }

    private Process helper(Path state, Path publicKey) throws IOException {
        return helpers.start("run", "--state-dir", state.toString(), "--ed25519-key", publicKey.toString());
    }

    /** The stale sockets of the killed helper are there at once; the restarted one logs when it replaced them. */
    private static void awaitReady(HelperPaths paths, Process p) throws Exception {
        Path log = paths.logDirectory().resolve("helper.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.readString(log).split("tunnel-helper ready", -1).length - 1 < 2) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "the restarted helper never became ready");
            Thread.sleep(50);
        }
    }

    private static Speaker<ExtensionMessage, HelperExtensionMessage> extension(HelperPaths paths) throws IOException {
        return EndpointClient.connectExtension(paths.extensionSocket(), HelperFixture.WAIT, in -> {
            if (in.message().hasApplyNetworkSettings()) {
                in.reply(ExtensionMessage.newBuilder()
                        .setApplyNetworkSettingsResult(Result.newBuilder().setSuccess(true))
                        .build());
            } else if (in.message().hasCancelProvider()) {
                in.reply(ExtensionMessage.newBuilder()
                        .setCancelProviderResult(Result.newBuilder().setSuccess(true))
                        .build());
            }
        });
    }

    private static Result start(Speaker<ExtensionMessage, HelperExtensionMessage> ne, String url, TunDevice tun)
            throws IOException {
        HelperExtensionMessage reply = ne.call(
                ExtensionMessage.newBuilder()
                        .setStartDaemon(
                                StartDaemon.newBuilder().setAccessUrl(url).setToken(HelperFixture.TOKEN))
                        .build(),
                List.of(FileDescriptors.of(tun.fd())),
                HelperFixture.WAIT);
        return reply.getStartDaemonResult();
    }
}
