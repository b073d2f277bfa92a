package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.testing.OtherUser;
import dev.tunnelhelper.protocol.vpn.RPC;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The helper as operators run it: a real {@code tunnel-helper run} process. */
@Timeout(180)
class DaemonProcessTest {
    /** The system interpreter, for the protocol document's example client. */
    private static final String PYTHON = "/usr/bin/python3";

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

    private Process helper(Path stateDir, Path publicKey) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", "--state-dir", stateDir.toString()));
        if (publicKey != null) {
            args.addAll(List.of("--ed25519-key", publicKey.toString()));
        }
        return helpers.start(args.toArray(String[]::new));
    }

    private static void awaitSocket(Path socket, Process p) throws Exception {
        HelperProcesses.awaitSocket(socket, p);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void aSecondInstanceIsRefusedAStaleSocketIsCleanedAndSigtermExitsZeroAndCleansUp() throws Exception {
        Path state = dir.resolve("state");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process first = helper(state, null);
        awaitSocket(paths.appSocket(), first);

        HelperProcesses.Finished second = helpers.run("run", "--state-dir", state.toString());
        assertEquals(ExitCodes.ALREADY_RUNNING, second.exit(), second.output());
        assertTrue(
                second.output().contains("another tunnel-helper is already listening on " + paths.extensionSocket()),
                second.output());
        assertTrue(first.isAlive(), "the first instance is unaffected");

        HelperProcesses.Finished status = helpers.run("status", "--json", "--state-dir", state.toString());
        assertEquals(0, status.exit(), status.output());
        JsonNode json = new ObjectMapper().readTree(status.output());
        assertEquals("IDLE", json.get("state").asText());
        assertTrue(json.get("helper_threads").asInt() > 0, "status reports the helper's threads: " + status.output());

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
        try (DeploymentServer deployment = DeploymentServer.start(DeploymentOptions.builder(
                                deploymentDir,
                                BinarySource.bytes("tunnel", TunnelLauncher.script(HelperFixture.tunnel("100.130"))))
                        .build());
                TunDevice tun = TunDevice.open(null)) {
            Path state = dir.resolve("state");
            HelperPaths paths = HelperPaths.underStateDir(state);
            Process helper = helper(state, deployment.publicKeyPath());
            awaitSocket(paths.appSocket(), helper);
            var ne = EndpointClient.connectExtension(paths.extensionSocket(), HelperFixture.WAIT, in -> {
                if (in.message().hasApplyNetworkSettings()) {
                    in.reply(ExtensionMessage.newBuilder()
                            .setApplyNetworkSettingsResult(Result.newBuilder().setSuccess(true))
                            .build());
                }
            });
            HelperExtensionMessage started = ne.call(
                    ExtensionMessage.newBuilder()
                            .setStartDaemon(StartDaemon.newBuilder()
                                    .setAccessUrl(deployment.url())
                                    .setToken(HelperFixture.TOKEN))
                            .build(),
                    List.of(FileDescriptors.of(tun.fd())),
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

    /** A peer as another uid ({@code nobody}, made by {@link OtherUser}), speaking the protocol byte by byte. */
    private static String pingAs(OtherUser user, Path socket) throws Exception {
        try (RawClient c = new RawClient(user.connect(socket))) {
            String hello = c.hello("app").readLine();
            c.send(AppMessage.newBuilder()
                    .setRpc(RPC.newBuilder().setMsgId(1))
                    .setPing(Ping.getDefaultInstance())
                    .build());
            HelperAppMessage reply = c.receive(HelperAppMessage.parser());
            if (reply.hasPong()) {
                return hello + "\npong";
            }
            return hello + "\nerror " + reply.getError().getCode() + " "
                    + reply.getError().getMessage() + (c.endsWithoutMore() ? "\neof" : "");
        }
    }

    @Test
    @RequiresRootAndTun
    void aPeerWhoseCredentialsAreNotAllowedGetsAnErrorFrameAndIsDisconnected() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("helper.json"), "{\"appAccess\": {\"socketGroup\": \"nogroup\"}}");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process helper = helper(state, null);
        awaitSocket(paths.appSocket(), helper);
        assertEquals(
                "tunnelhelper helper 1.0\nerror UNAUTHORIZED uid 65534 (gid 65534) may not use the app endpoint\neof",
                pingAs(OtherUser.NOBODY, paths.appSocket()));
        try (var root = EndpointClient.connectApp(paths.appSocket(), HelperFixture.WAIT, in -> {})) {
            assertTrue(root.call(
                            AppMessage.newBuilder()
                                    .setPing(Ping.getDefaultInstance())
                                    .build(),
                            HelperFixture.WAIT)
                    .hasPong());
        }
        String log = Files.readString(paths.logDirectory().resolve("helper.log"));
        assertTrue(log.contains("refused peer") && log.contains("uid=\"65534\""), log);
        helper.destroy();
        helper.waitFor(30, TimeUnit.SECONDS);

        // Allowed by uid in the config, the same peer gets its answer.
        Files.writeString(
                state.resolve("helper.json"),
                "{\"appAccess\": {\"socketGroup\": \"nogroup\", \"allowedUids\": [65534]}}");
        Process again = helper(state, null);
        awaitSocket(paths.appSocket(), again);
        assertTrue(pingAs(OtherUser.NOBODY, paths.appSocket()).startsWith("tunnelhelper helper 1.0\npong"));
    }

    /** docs/protocol.md §2.7 cites this client, written from the document alone, without a protobuf library. */
    @Test
    @RequiresTool(PYTHON)
    void theProtocolDocumentsPythonClientGetsItsPong() throws Exception {
        Path client = dir.resolve("raw_app_client.py");
        try (var in = getClass().getResourceAsStream("/e2e/raw_app_client.py")) {
            Files.copy(in, client);
        }
        Path state = dir.resolve("state");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process helper = helper(state, null);
        awaitSocket(paths.appSocket(), helper);
        String said = run(PYTHON, client.toString(), paths.appSocket().toString());
        assertTrue(said.startsWith("hello tunnelhelper helper 1.0\npong "), said);
    }

    /** Issue 12: 2,000 refused connections grew helper.log by 1.2 MB. Now a few lines per user and minute. */
    @Test
    @RequiresRootAndTun
    void refusedPeersCannotFloodTheLog() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.writeString(state.resolve("helper.json"), "{\"appAccess\": {\"socketGroup\": \"nogroup\"}}");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process helper = helper(state, null);
        awaitSocket(paths.appSocket(), helper);
        Path log = paths.logDirectory().resolve("helper.log");
        long before = Files.size(log);

        for (AFUNIXSocket s : OtherUser.NOBODY.connect(paths.appSocket(), 2000)) {
            OtherUser.close(s);
        }
        // The refusals are logged by the time a later connection is served: the gate handles connections in order.
        try (var root = EndpointClient.connectApp(paths.appSocket(), HelperFixture.WAIT, in -> {})) {
            assertTrue(root.call(
                            AppMessage.newBuilder()
                                    .setPing(Ping.getDefaultInstance())
                                    .build(),
                            HelperFixture.WAIT)
                    .hasPong());
        }
        List<String> lines = Files.readAllLines(log);
        long refusals = lines.stream()
                .filter(l -> l.contains("refused peer") && l.contains("uid=\"65534\""))
                .count();
        assertTrue(refusals >= 1 && refusals <= 5, refusals + " refusal lines");
        assertTrue(Files.size(log) - before < 8192, "the log grew by " + (Files.size(log) - before) + " bytes");
    }

    /**
     * Issue 12: once the helper ran out of descriptors, the accept loop died for good ("stopped
     * accepting: Too many open files"). Now it pauses, logs once per interval, and serves again.
     */
    @Test
    void runningOutOfDescriptorsPausesAcceptingAndTheHelperServesAgainAfterwards() throws Exception {
        Path state = dir.resolve("state");
        HelperPaths paths = HelperPaths.underStateDir(state);
        Process helper = helpers.start(List.of("ulimit -n 80;"), "run", "--state-dir", state.toString());
        awaitSocket(paths.appSocket(), helper);
        try (var root = EndpointClient.connectApp(paths.appSocket(), HelperFixture.WAIT, in -> {})) {
            assertTrue(root.call(
                            AppMessage.newBuilder()
                                    .setPing(Ping.getDefaultInstance())
                                    .build(),
                            HelperFixture.WAIT)
                    .hasPong());
        }
        Path log = paths.logDirectory().resolve("helper.log");
        List<AFUNIXSocket> held = new ArrayList<>();
        try {
            // Each accepted connection holds a descriptor until its 5 s hello deadline; about 45 are free under the
            // limit.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (!Files.readString(log).contains("accepting failed; pausing and retrying")
                    && System.nanoTime() < deadline) {
                held.add(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(paths.appSocket())));
            }
            assertTrue(
                    Files.readString(log).contains("reason=\"Too many open files\""),
                    "out of descriptors after " + held.size());
        } finally {
            for (AFUNIXSocket s : held) {
                s.close();
            }
        }
        try (var root = EndpointClient.connectApp(paths.appSocket(), HelperFixture.WAIT, in -> {})) {
            assertTrue(
                    root.call(
                                    AppMessage.newBuilder()
                                            .setPing(Ping.getDefaultInstance())
                                            .build(),
                                    HelperFixture.WAIT)
                            .hasPong(),
                    "the helper accepts again");
        }
        assertTrue(helper.isAlive());
        assertEquals(
                1,
                Files.readAllLines(log).stream()
                        .filter(l -> l.contains("accepting failed; pausing and retrying"))
                        .count(),
                "one line per 10 s, though accepting failed every 100 ms");
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
        String cc = run(
                "cc",
                "-O2",
                "-DVERSION=\"" + DeploymentOptions.DEFAULT_VERSION + "\"",
                "-DREPORT=\"" + report + "\"",
                "-o",
                binary.toString(),
                source.toString());
        assertTrue(Files.isExecutable(binary), cc);
        try (HelperFixture f =
                        HelperFixture.start(dir, BinarySource.file(binary), DeploymentOptions.DEFAULT_VERSION, c -> c);
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
            assertEquals(
                    List.of("env HOME=/var/empty", "env LANG=C.UTF-8", "env PATH=/usr/sbin:/usr/bin:/sbin:/bin"),
                    lines.stream().filter(l -> l.startsWith("env ")).sorted().toList(),
                    "a scrubbed environment, no token");
            assertEquals(
                    List.of("cwd /"),
                    lines.stream().filter(l -> l.startsWith("cwd ")).toList(),
                    "not the helper's directory");
            assertEquals(
                    List.of(
                            "arg " + f.helper.paths().binaryDirectory().resolve("coder-linux-amd64"),
                            "arg vpn-daemon",
                            "arg run",
                            "arg --rpc-read-fd",
                            "arg 3",
                            "arg --rpc-write-fd",
                            "arg 4"),
                    lines.stream().filter(l -> l.startsWith("arg ")).toList());
            assertFalse(String.join("\n", lines).contains(HelperFixture.TOKEN));
        }
    }
}
