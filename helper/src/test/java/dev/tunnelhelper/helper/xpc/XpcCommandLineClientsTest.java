package dev.tunnelhelper.helper.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.app.cli.AppClientMain;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.helper.HelperMain;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.macos.DaemonProgram;
import dev.tunnelhelper.launchd.macos.LaunchDaemonPlist;
import dev.tunnelhelper.netext.cli.NetextBridgeMain;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.ShimVariant;
import dev.tunnelhelper.shim.SigningIdentity;
import dev.tunnelhelper.shim.SimulatedCodeSigning;
import dev.tunnelhelper.shim.SimulatedLaunchd;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.testing.RoleJvms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code app-client --xpc} and {@code netext-bridge --xpc} (docs/protocol.md §3.3) against the
 * helper started on demand by the simulated launchd from the plist of a config with only the
 * {@code macos} section: the service names and the requirement on the helper come from that
 * config, and each way of not getting through says which it was. Every client runs as root in a
 * Java runtime signed for its role: the simulator checks a peer by reading {@code /proc/<pid>/exe},
 * which an ordinary user cannot do for the root helper (docs/native-shim.md §7).
 *
 * <p>Runs in the build's second Surefire run, with the XPC simulator loaded.
 */
@RequiresCapability({Capability.XPC, Capability.CODE_SIGNATURE})
class XpcCommandLineClientsTest {
    private static final String TEAM = "ABCDE12345";
    private static final String OTHER_TEAM = "ZYXWV98765";
    private static final String BUNDLE = "com.example.TunnelApp";
    private static final LaunchdSettings SETTINGS = LaunchdSettings.of(TEAM, BUNDLE);

    /** What a client process printed (stdout and stderr) and its exit status. */
    private record Run(int exit, String output) {}

    @TempDir
    Path dir;

    @Test
    void theClientsReachTheHelperByItsConfigAndSayWhyWhenTheyCannot() throws Exception {
        Assumptions.assumeTrue(
                NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR,
                "drives the simulated launchd; on a Mac the macOS workflow's install job runs the clients for real");
        Path root = Path.of(System.getenv("XPCSIM_ROOT"));
        Path stateDir = Files.createDirectories(dir.resolve("state"));
        Path config = Files.writeString(
                stateDir.resolve("helper.json"),
                "{\"macos\": {\"teamId\": \"" + TEAM + "\", \"bundleId\": \"" + BUNDLE + "\"}}\n");
        Path otherTeamsConfig = Files.writeString(
                dir.resolve("other-team.json"),
                "{\"macos\": {\"teamId\": \"" + OTHER_TEAM + "\", \"bundleId\": \"" + BUNDLE + "\"}}\n");
        Path helperJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("helper"), SigningIdentity.developerId(BUNDLE + ".helper", TEAM));
        Path appJava = SimulatedCodeSigning.javaRuntime(dir.resolve("app"), SigningIdentity.developerId(BUNDLE, TEAM));
        Path extensionJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("extension"), SigningIdentity.developerId(BUNDLE + ".network-extension", TEAM));
        Path impostorJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("impostor"), SigningIdentity.developerId(BUNDLE, OTHER_TEAM));
        Path launcher = RoleJvms.launcher(
                dir.resolve("tunnel-helper"),
                helperJava,
                HelperMain.class.getName(),
                "--state-dir",
                stateDir.toString());
        LaunchDaemonPlist plist =
                new LaunchDaemonPlist(SETTINGS, DaemonProgram.absolute(launcher.toString()), config.toString());
        Path plistFile = Files.write(dir.resolve(plist.fileName()), plist.toXmlBytes());
        String app = AppClientMain.class.getName();

        try (SimulatedLaunchd launchd = SimulatedLaunchd.start(root)) {
            launchd.bootstrap(plistFile);

            Run served = client(appJava, app, "ping", "--xpc", "--config", config.toString(), "--timeout", "60s");
            assertEquals(ExitCodes.OK, served.exit(), served.output());
            assertTrue(
                    served.output().contains("pong from tunnel helper ")
                            && served.output().contains(" at xpc:" + SETTINGS.appServiceName()),
                    "the name derived from the config's macos section: " + served.output());

            Run stopped = client(
                    extensionJava, NetextBridgeMain.class.getName(), "stop", "--xpc", "--config", config.toString());
            assertEquals(ExitCodes.OK, stopped.exit(), stopped.output());
            assertTrue(stopped.output().contains("session stopped"), stopped.output());

            String nobody = TEAM + ".com.example.Nobody.HelperApp";
            Run missing = client(appJava, app, "ping", "--xpc", "--config", config.toString(), "--service", nobody);
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, missing.exit(), missing.output());
            assertTrue(
                    missing.output().contains("no helper serves the Mach service " + nobody),
                    "no loaded job declares the name: " + missing.output());

            Run refused = client(impostorJava, app, "status", "--xpc", "--config", config.toString());
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, refused.exit(), refused.output());
            assertTrue(
                    refused.output()
                            .contains("ended the connection before answering: it refused this program's"
                                    + " code signature"),
                    "another team's app, refused by the helper's requirement: " + refused.output());

            Run untrusted = client(
                    appJava,
                    app,
                    "ping",
                    "--xpc",
                    "--config",
                    otherTeamsConfig.toString(),
                    "--service",
                    SETTINGS.appServiceName());
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, untrusted.exit(), untrusted.output());
            assertTrue(
                    untrusted
                            .output()
                            .contains("does not satisfy the code-signing requirement set on the helper"
                                    + " (anchor apple generic and certificate leaf[subject.OU] = \"" + OTHER_TEAM
                                    + "\")"),
                    "a helper of another team than the client requires: " + untrusted.output());
            assertTrue(!untrusted.output().contains("pong"), untrusted.output());

            assertEquals(1, launchd.print(SETTINGS.label()).runs(), "one helper served every client");
            launchd.bootout(SETTINGS.label());
        }
    }

    /** Runs a client's main class as root with {@code java}, in the simulated system. */
    private static Run client(Path java, String mainClass, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(java.toString()));
        argv.addAll(RoleJvms.jvmOptions());
        argv.addAll(List.of("-cp", RoleJvms.classpath(), mainClass));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("XPCSIM_ROOT", System.getenv("XPCSIM_ROOT"));
        pb.environment().put(ShimVariant.ENV, "xpcsim");
        Process p = pb.start();
        String output = RoleJvms.outputOnceExited(p, 120);
        return new Run(p.exitValue(), output);
    }
}
