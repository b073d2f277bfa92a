package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.shim.testing.RequiresTool;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The helper as operators run it: a real {@code tunnel-helper run} process. */
@Timeout(180)
class DaemonProcessTest {
    /** The system interpreter: a per-user one (pyenv under /root) is not runnable as nobody. */
    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    /** Every process a test starts, so a failing assertion never leaves a daemon behind. */
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void reapEverything() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process helper(Path stateDir, Path publicKey) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
                "dev.tunnelhelper.helper.HelperMain", "run", "--state-dir", stateDir.toString()));
        if (publicKey != null) {
            cmd.addAll(List.of("--ed25519-key", publicKey.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("helper-" + System.nanoTime() + ".out").toFile()).start();
        started.add(p);
        return p;
    }

    private static void awaitSocket(Path socket, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            assertTrue(p.isAlive(), "helper exited early with " + (p.isAlive() ? "" : p.exitValue()));
            assertTrue(System.nanoTime() < deadline, "helper never listened on " + socket);
            Thread.sleep(50);
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void aSecondInstanceIsRefusedAStaleSocketIsCleanedAndSigtermExitsZeroAndCleansUp() throws Exception {
        Path state = dir.resolve("state");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process first = helper(state, null);
        awaitSocket(paths.appSocket(), first);

        Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.tunnelhelper.helper.HelperMain", "run", "--state-dir", state.toString())
                .redirectErrorStream(true).start();
        started.add(second);
        String said = new String(second.getInputStream().readAllBytes());
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCodes.ALREADY_RUNNING, second.exitValue(), said);
        assertTrue(said.contains("another tunnel-helper is already listening on " + paths.extensionSocket()), said);
        assertTrue(first.isAlive(), "the first instance is unaffected");

        first.destroyForcibly().waitFor(); // SIGKILL leaves stale socket files behind
        assertTrue(Files.exists(paths.appSocket()));
        Process third = helper(state, null);
        Path log = paths.logDirectory().resolve("helper.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.readString(log).split("tunnel-helper ready", -1).length - 1 < 2) { // the third instance is up
            assertTrue(third.isAlive() && System.nanoTime() < deadline, "restart over stale sockets failed");
            Thread.sleep(50);
        }
        assertTrue(Files.readString(paths.logDirectory().resolve("helper.log")).contains("removing stale socket file"));

        third.destroy(); // SIGTERM
        assertTrue(third.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, third.exitValue());
        assertFalse(Files.exists(paths.appSocket()), "socket files are removed");
        assertFalse(Files.exists(paths.extensionSocket()));
    }

    @Test
    @RequiresRootAndTun
    void sigtermStopsARunningSessionAndReapsTheTunnel() throws Exception {
        Path deploymentDir = Files.createDirectories(dir.resolve("deployment"));
        try (DeploymentServer deployment = DeploymentServer.start(DeploymentOptions.builder(deploymentDir,
                BinarySource.bytes("tunnel", TunnelLauncher.script(HelperFixture.tunnel("100.130")))).build());
             TunDevice tun = TunDevice.open(null)) {
            Path state = dir.resolve("state");
            HelperPaths paths = HelperPaths.underStateDir(state);
            Process helper = helper(state, deployment.publicKeyPath());
            awaitSocket(paths.appSocket(), helper);
            var ne = EndpointClient.connectExtension(paths.extensionSocket(), HelperFixture.WAIT, in -> {
                if (in.message().hasApplyNetworkSettings()) {
                    in.reply(ExtensionMessage.newBuilder().setApplyNetworkSettingsResult(Result.newBuilder().setSuccess(true)).build());
                }
            });
            HelperExtensionMessage started = ne.call(ExtensionMessage.newBuilder().setStartDaemon(StartDaemon.newBuilder()
                    .setAccessUrl(deployment.url()).setToken(HelperFixture.TOKEN)).build(), List.of(UnixSocketChannel.fileDescriptor(tun.fd())),
                    HelperFixture.WAIT);
            assertTrue(started.getStartDaemonResult().getSuccess(), started.toString());
            List<ProcessHandle> children = helper.toHandle().children().toList();
            assertEquals(1, children.size(), "one tunnel child");
            ProcessHandle tunnel = children.get(0);

            helper.destroy();
            assertTrue(helper.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, helper.exitValue());
            assertFalse(tunnel.isAlive(), "the tunnel was stopped and reaped");
            assertFalse(Files.exists(paths.appSocket()));
            String log = Files.readString(paths.logDirectory().resolve("helper.log"));
            assertTrue(log.contains("stopping session"), log);
            assertFalse(log.contains(HelperFixture.TOKEN), "the token never reaches the log");
            ne.close();
        }
    }

    @Test
    @RequiresRootAndTun
    @RequiresTool({"setpriv", PYTHON})
    void aPeerWhoseCredentialsAreNotAllowedGetsAnErrorFrameAndIsDisconnected() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        for (Path p = state; p.startsWith(dir.getParent()) && !p.equals(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path client = dir.resolve("raw_app_client.py");
        try (var in = getClass().getResourceAsStream("/e2e/raw_app_client.py")) {
            Files.copy(in, client);
        }
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(state.resolve("helper.json"), "{\"appAccess\": {\"socketGroup\": \"nogroup\"}}");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process helper = helper(state, null);
        try {
            awaitSocket(paths.appSocket(), helper);
            String refused = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PYTHON, client.toString(),
                    paths.appSocket().toString());
            assertEquals("hello tunnelhelper helper 1.0\nerror UNAUTHORIZED uid 65534 (gid 65534) may not use the app endpoint\neof\n", refused);
            String asRoot = run(PYTHON, client.toString(), paths.appSocket().toString());
            assertTrue(asRoot.startsWith("hello tunnelhelper helper 1.0\npong "), asRoot);
            String log = Files.readString(paths.logDirectory().resolve("helper.log"));
            assertTrue(log.contains("refused peer") && log.contains("uid=\"65534\""), log);
        } finally {
            helper.destroy();
            helper.waitFor(30, TimeUnit.SECONDS);
        }
        // Allowed by uid in the config, the same peer gets its answer.
        Files.writeString(state.resolve("helper.json"), "{\"appAccess\": {\"socketGroup\": \"nogroup\", \"allowedUids\": [65534]}}");
        Process again = helper(state, null);
        try {
            awaitSocket(paths.appSocket(), again);
            String allowed = run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", PYTHON, client.toString(),
                    paths.appSocket().toString());
            assertTrue(allowed.startsWith("hello tunnelhelper helper 1.0\npong "), allowed);
        } finally {
            again.destroy();
            again.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    @RequiresRootAndTun
    void theTunnelInheritsExactlyStdioTheTwoPipesAndTheTunDeviceWithAScrubbedEnvironment() throws Exception {
        Path report = dir.resolve("inherited.txt");
        Path source = dir.resolve("fd_lister.c");
        try (var in = getClass().getResourceAsStream("/e2e/fd_lister.c")) {
            Files.copy(in, source);
        }
        Path binary = dir.resolve("fd_lister");
        String cc = run("cc", "-O2", "-DVERSION=\"" + DeploymentOptions.DEFAULT_VERSION + "\"", "-DREPORT=\"" + report + "\"",
                "-o", binary.toString(), source.toString());
        assertTrue(Files.isExecutable(binary), cc);
        try (HelperFixture f = HelperFixture.start(dir, BinarySource.file(binary), DeploymentOptions.DEFAULT_VERSION, c -> c);
             TunDevice tun = TunDevice.open(null)) {
            Result r = f.extension().start(tun.fd());
            assertFalse(r.getSuccess(), "the stand-in exits instead of talking");
            List<String> lines = Files.readAllLines(report);
            List<String> fds = lines.stream().filter(l -> l.startsWith("fd ")).toList();
            assertEquals(6, fds.size(), lines.toString());
            assertEquals("fd 0 /dev/null", fds.get(0));
            assertTrue(fds.get(1).startsWith("fd 1 pipe:["), fds.toString());
            assertEquals(fds.get(1).substring(5), fds.get(2).substring(5), "stdout and stderr share the log pipe");
            assertTrue(fds.get(3).startsWith("fd 3 pipe:[") && fds.get(4).startsWith("fd 4 pipe:["), fds.toString());
            assertEquals("fd 5 /dev/net/tun", fds.get(5));
            assertEquals(List.of("env HOME=/var/empty", "env LANG=C.UTF-8", "env PATH=/usr/sbin:/usr/bin:/sbin:/bin"),
                    lines.stream().filter(l -> l.startsWith("env ")).sorted().toList(), "a scrubbed environment, no token");
            assertEquals(List.of("arg " + f.helper.paths().binaryDirectory().resolve("coder-linux-amd64"), "arg vpn-daemon", "arg run",
                    "arg --rpc-read-fd", "arg 3", "arg --rpc-write-fd", "arg 4"),
                    lines.stream().filter(l -> l.startsWith("arg ")).toList());
            assertFalse(String.join("\n", lines).contains(HelperFixture.TOKEN));
        }
    }

}
