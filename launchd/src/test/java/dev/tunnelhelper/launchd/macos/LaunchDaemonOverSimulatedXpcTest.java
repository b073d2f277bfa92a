package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.ShimVariant;
import dev.tunnelhelper.shim.SigningIdentity;
import dev.tunnelhelper.shim.SimulatedCodeSigning;
import dev.tunnelhelper.shim.SimulatedLaunchd;
import dev.tunnelhelper.shim.XpcConnection;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.testing.RoleJvms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LaunchDaemon plist this module generates, loaded into the simulated launchd, and a
 * conversation between separately signed processes: the helper (started by launchd for the job,
 * {@link EchoDaemon}), the extension and the app signed by the team, and three that must get
 * nothing through: an app of another team, a tampered extension, and an unsigned process (this
 * test's own JVM). Each role runs its own Java runtime whose {@code bin/java} carries the role's
 * signature, as the bundled, vendor-signed java that a Mac bundle's launcher execs does.
 *
 * <p>Runs in the build's second Surefire run, with the XPC simulator loaded (docs/native-shim.md §7).
 */
@RequiresCapability({Capability.XPC, Capability.CODE_SIGNATURE})
class LaunchDaemonOverSimulatedXpcTest {
    private static final String TEAM = "ABCDE12345";
    private static final String OTHER_TEAM = "ZYXWV98765";
    private static final String BUNDLE = "com.example.TunnelApp";
    private static final LaunchdSettings SETTINGS = LaunchdSettings.of(TEAM, BUNDLE);

    @TempDir
    Path dir;

    @BeforeEach
    void onlyTheSimulatorHasALaunchdToLoadInto() {
        Assumptions.assumeTrue(
                NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR,
                "drives the simulated launchd; on a Mac the macOS workflow's install job does this for real");
    }

    @Test
    void onlyProcessesSignedByTheTeamTalkToTheDaemonLaunchdStartsForThePlist() throws Exception {
        Path root = Path.of(System.getenv("XPCSIM_ROOT"));
        Path helperJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("helper"), SigningIdentity.developerId(BUNDLE + ".helper", TEAM));
        Path extensionJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("extension"), SigningIdentity.developerId(BUNDLE + ".NetworkExtension", TEAM));
        Path appJava = SimulatedCodeSigning.javaRuntime(dir.resolve("app"), SigningIdentity.developerId(BUNDLE, TEAM));
        // Same bundle id, another team: an impostor app.
        Path impostorJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("impostor"), SigningIdentity.developerId(BUNDLE, OTHER_TEAM));
        Path tamperedJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("tampered"), SigningIdentity.developerId(BUNDLE + ".NetworkExtension", TEAM));
        SimulatedCodeSigning.tamper(tamperedJava);

        Path config =
                Files.writeString(dir.resolve("helper.properties"), "teamId=" + TEAM + "\nbundleId=" + BUNDLE + "\n");
        Path launcher = RoleJvms.launcher(dir.resolve("tunnel-helper"), helperJava, EchoDaemon.class.getName());
        LaunchdSettings settings = new LaunchdSettings(
                TEAM,
                BUNDLE,
                null,
                dir.resolve("helper.out").toString(),
                dir.resolve("helper.err").toString());
        LaunchDaemonPlist plist =
                new LaunchDaemonPlist(settings, DaemonProgram.absolute(launcher.toString()), config.toString());
        Path plistFile = Files.write(dir.resolve(plist.fileName()), plist.toXmlBytes());

        try (SimulatedLaunchd launchd = SimulatedLaunchd.start(root)) {
            assertEquals(settings.label(), launchd.bootstrap(plistFile));
            assertEquals("waiting", launchd.print(settings.label()).state(), "on demand: nothing runs before a client");

            String helperIdentity = "anchor apple generic and identifier \"" + BUNDLE + ".helper\""
                    + " and certificate leaf[subject.OU] = \"" + TEAM + "\"";
            Process extension = client(
                    extensionJava,
                    SETTINGS.extensionServiceName(),
                    "hello from the extension",
                    "--helper-requirement",
                    helperIdentity,
                    "--wrong-helper-requirement",
                    "anchor apple generic and certificate leaf[subject.OU] = \"" + OTHER_TEAM + "\"",
                    "--report",
                    "3",
                    "2");
            Process app = client(
                    appJava,
                    SETTINGS.appServiceName(),
                    "hello from the app",
                    "--with-fd",
                    "--helper-requirement",
                    helperIdentity);
            Process impostor = client(impostorJava, SETTINGS.appServiceName(), "hello from another team");
            Process tampered = client(tamperedJava, SETTINGS.extensionServiceName(), "hello from a patched extension");
            try (XpcConnection unsigned = XpcConnection.connect(SETTINGS.appServiceName(), true, (c, m, r) -> {})) {
                assertThrows(
                        NativeException.class,
                        () -> unsigned.sendWithReply(
                                "hello from an unsigned process".getBytes(StandardCharsets.UTF_8), -1));
            }

            List<String> impostorOut = output(impostor);
            List<String> tamperedOut = output(tampered);
            List<String> appOut = output(app);
            List<String> extensionOut = output(extension);

            assertEquals("reply echo:hello from the app", appOut.get(1), "the app's request: " + appOut);
            assertEquals(
                    "pipe written by the daemon",
                    appOut.get(2),
                    "a descriptor crossed to the daemon and back: " + appOut);
            assertEquals(
                    "reply echo:hello from the extension", extensionOut.get(1), "the extension's: " + extensionOut);
            assertTrue(impostorOut.get(1).startsWith("failed "), "another team's app gets no answer: " + impostorOut);
            assertTrue(tamperedOut.get(1).startsWith("failed "), "a tampered extension gets no answer: " + tamperedOut);
            // The client's own protection: a helper that is not the one it requires is refused.
            assertTrue(
                    extensionOut.contains("wrong-helper PEER_CODE_SIGNING_REQUIREMENT failed"),
                    extensionOut.toString());

            // What the daemon saw: only the team's two messages delivered; one refusal per other process.
            List<String> report = extensionOut.stream()
                    .filter(l -> l.startsWith("report "))
                    .map(l -> l.substring(7))
                    .toList();
            assertEquals(
                    List.of(
                            "delivered " + SETTINGS.appServiceName() + " " + pid(appOut) + " hello from the app",
                            "delivered " + SETTINGS.extensionServiceName() + " " + pid(extensionOut)
                                    + " hello from the extension"),
                    report.stream()
                            .filter(l -> l.startsWith("delivered "))
                            .sorted()
                            .toList(),
                    report.toString());
            assertEquals(
                    List.of(
                                    "refused " + SETTINGS.appServiceName() + " " + pid(impostorOut)
                                            + " PEER_CODE_SIGNING_REQUIREMENT",
                                    "refused " + SETTINGS.appServiceName() + " "
                                            + ProcessHandle.current().pid() + " PEER_CODE_SIGNING_REQUIREMENT",
                                    "refused " + SETTINGS.extensionServiceName() + " " + pid(tamperedOut)
                                            + " PEER_CODE_SIGNING_REQUIREMENT")
                            .stream()
                            .sorted()
                            .toList(),
                    report.stream()
                            .filter(l -> l.startsWith("refused "))
                            .sorted()
                            .toList(),
                    report.toString());

            SimulatedLaunchd.JobState job = launchd.print(settings.label());
            assertEquals("running", job.state());
            assertEquals(1, job.runs(), "one start served every client");
            launchd.bootout(settings.label());
        }
    }

    private static Process client(Path java, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(java.toString()));
        argv.addAll(RoleJvms.jvmOptions());
        argv.addAll(List.of("-cp", RoleJvms.classpath(), EchoClient.class.getName()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> env = pb.environment();
        env.put("XPCSIM_ROOT", System.getenv("XPCSIM_ROOT"));
        env.put(ShimVariant.ENV, "xpcsim");
        return pb.start();
    }

    /** A client's output once it exited; one that is still waiting after 30 s fails the test (and is killed). */
    private static List<String> output(Process p) throws Exception {
        String out = RoleJvms.outputOnceExited(p, 30);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static long pid(List<String> clientOutput) {
        return Long.parseLong(clientOutput.get(0).substring("pid ".length()));
    }
}
