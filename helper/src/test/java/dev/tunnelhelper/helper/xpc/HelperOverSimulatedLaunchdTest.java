package dev.tunnelhelper.helper.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.HelperMain;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.macos.DaemonProgram;
import dev.tunnelhelper.launchd.macos.LaunchDaemonPlist;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.ShimVariant;
import dev.tunnelhelper.shim.SigningIdentity;
import dev.tunnelhelper.shim.SimulatedCodeSigning;
import dev.tunnelhelper.shim.SimulatedLaunchd;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.testing.RoleJvms;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The helper itself ({@code tunnel-helper run}) on the XPC carrier, started by the simulated
 * launchd from the plist made from its own config, and separately signed client processes:
 * who gets through the app endpoint (docs/protocol.md §3.2), and what a listener launchd refuses
 * does to the start (B2). Each role runs its own Java runtime whose {@code bin/java} carries the
 * role's signature (docs/native-shim.md §7).
 *
 * <p>Runs in the build's second Surefire run, with the XPC simulator loaded.
 */
@RequiresCapability({Capability.XPC, Capability.CODE_SIGNATURE})
class HelperOverSimulatedLaunchdTest {
    private static final String TEAM = "ABCDE12345";
    private static final String OTHER_TEAM = "ZYXWV98765";
    private static final String BUNDLE = "com.example.TunnelApp";
    private static final LaunchdSettings SETTINGS = LaunchdSettings.of(TEAM, BUNDLE);
    /** nobody on Debian: an ordinary user, neither root nor the helper's. */
    private static final int NORMAL_UID = 65534;

    @TempDir
    Path dir;

    private Path root;
    private Path stateDir;

    @BeforeEach
    void aStateDirectoryWithOnlyTheMacosSection() throws IOException {
        Assumptions.assumeTrue(
                NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR,
                "drives the simulated launchd; on a Mac the macOS workflow's install job does this for real");
        root = Path.of(System.getenv("XPCSIM_ROOT"));
        // Readable by everybody: a client runs as another user with a runtime from here.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        stateDir = Files.createDirectories(dir.resolve("state"));
        Files.writeString(
                stateDir.resolve("helper.json"),
                "{\"macos\": {\"teamId\": \"" + TEAM + "\", \"bundleId\": \"" + BUNDLE + "\"}}\n");
    }

    @Test
    void aHelperWhoseListenerLaunchdRefusesFailsItsStartNamingTheService() throws Exception {
        try (SimulatedLaunchd launchd = SimulatedLaunchd.start(root)) {
            // Started by hand, not by launchd, and no loaded job declares the names: launchd hands
            // them to nobody, so XPC invalidates both listeners.
            List<String> argv = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-D" + ShimVariant.PROPERTY + "=xpcsim"));
            argv.addAll(RoleJvms.jvmOptions());
            argv.addAll(List.of(
                    "-cp",
                    RoleJvms.classpath(),
                    HelperMain.class.getName(),
                    "run",
                    "--state-dir",
                    stateDir.toString()));
            Path out = dir.resolve("helper-by-hand.out");
            Process helper = new ProcessBuilder(argv)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            boolean exited = helper.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                helper.destroyForcibly();
            }
            String output = Files.readString(out);
            assertTrue(exited, "a helper whose listeners launchd refused kept running: " + output);
            assertEquals(1, helper.exitValue(), "docs/operations.md: 1, the operation failed; " + output);
            assertTrue(
                    output.contains("cannot listen on the Mach service " + SETTINGS.extensionServiceName())
                            || output.contains("cannot listen on the Mach service " + SETTINGS.appServiceName()),
                    "the message names the service: " + output);
            assertTrue(output.contains("CONNECTION_INVALID"), output);
            String log = Files.readString(stateDir.resolve("log/helper.log"));
            assertTrue(log.contains("xpc listener failed"), log);
            assertFalse(log.contains(" listening "), "it never claimed to listen: " + log);
        }
    }

    @Test
    void theTeamsAppIsServedForAnyUserWhileAnotherTeamATamperedAppAndUnsignedCodeAreRefused() throws Exception {
        Path helperJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("helper"), SigningIdentity.developerId(BUNDLE + ".helper", TEAM));
        Path appJava = SimulatedCodeSigning.javaRuntime(dir.resolve("app"), SigningIdentity.developerId(BUNDLE, TEAM));
        Path impostorJava = SimulatedCodeSigning.javaRuntime(
                dir.resolve("impostor"), SigningIdentity.developerId(BUNDLE, OTHER_TEAM));
        Path tamperedJava =
                SimulatedCodeSigning.javaRuntime(dir.resolve("tampered"), SigningIdentity.developerId(BUNDLE, TEAM));
        SimulatedCodeSigning.tamper(tamperedJava);
        Path unsignedJava = SimulatedCodeSigning.javaRuntime(dir.resolve("unsigned"), null);

        LaunchdSettings settings = new LaunchdSettings(
                TEAM,
                BUNDLE,
                null,
                dir.resolve("helper.out").toString(),
                dir.resolve("helper.err").toString());
        // The plist's Program: the helper's signed runtime, with this test's state directory.
        Path launcher = RoleJvms.launcher(
                dir.resolve("tunnel-helper"),
                helperJava,
                HelperMain.class.getName(),
                "--state-dir",
                stateDir.toString());
        LaunchDaemonPlist plist = new LaunchDaemonPlist(
                settings,
                DaemonProgram.absolute(launcher.toString()),
                stateDir.resolve("helper.json").toString());
        Path plistFile = Files.write(dir.resolve(plist.fileName()), plist.toXmlBytes());
        String clientClasspath = readableClasspath(Files.createDirectories(dir.resolve("cp")));

        try (SimulatedLaunchd launchd = SimulatedLaunchd.start(root)) {
            launchd.bootstrap(plistFile);
            // The clients set no requirement on the helper: what is refused here is refused by the
            // helper. (An ordinary user could not set one in the simulator anyway: it checks a peer
            // by reading /proc/<pid>/exe, which the kernel denies for a root process.)
            List<String> app = probe(appJava, clientClasspath, NORMAL_UID);
            List<String> impostor = probe(impostorJava, clientClasspath, NORMAL_UID);
            List<String> tampered = probe(tamperedJava, clientClasspath, NORMAL_UID);
            List<String> unsigned = probe(unsignedJava, clientClasspath, 0);

            assertEquals("euid " + NORMAL_UID, app.get(0).replaceFirst("^pid \\d+ ", ""), app.toString());
            assertTrue(
                    app.get(1).startsWith("pong "),
                    "a normal user's app signed by the team needs no uid configured: " + app);
            assertTrue(impostor.get(1).startsWith("failed "), "another team's app: " + impostor);
            assertTrue(tampered.get(1).startsWith("failed "), "a tampered app: " + tampered);
            assertTrue(unsigned.get(1).startsWith("failed "), "unsigned code, even root's: " + unsigned);

            String log = Files.readString(stateDir.resolve("log/helper.log"));
            for (List<String> refused : List.of(impostor, tampered, unsigned)) {
                String[] who = refused.get(0).split(" ");
                assertTrue(
                        log.lines()
                                .anyMatch(l -> l.contains(" WARN ")
                                        && l.contains("refused peer")
                                        && l.contains("pid=\"" + who[1] + "\"")
                                        && l.contains("uid=\"" + who[3] + "\"")
                                        && l.contains("code-signing requirement not satisfied")),
                        "a WARN with the refused process's pid " + who[1] + " and euid " + who[3] + ": " + log);
            }
            assertEquals(1, launchd.print(settings.label()).runs(), "one helper served every client");
            launchd.bootout(settings.label());
        }
    }

    /** Runs {@link AppProbe} with {@code java} as {@code uid} (setpriv), returning its output once it exited. */
    private static List<String> probe(Path java, String classpath, int uid) throws Exception {
        List<String> argv = new ArrayList<>();
        if (uid != 0) {
            argv.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
        }
        argv.add(java.toString());
        argv.addAll(RoleJvms.jvmOptions());
        argv.addAll(List.of("-cp", classpath, AppProbe.class.getName(), SETTINGS.appServiceName()));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("XPCSIM_ROOT", System.getenv("XPCSIM_ROOT"));
        pb.environment().put(ShimVariant.ENV, "xpcsim");
        return RoleJvms.outputOnceExited(pb.start(), 60).lines().toList();
    }

    /**
     * This JVM's class path, readable by another user: jars from the (root-only) local repository
     * are copied here; the reactor's class directories are readable already.
     */
    private static String readableClasspath(Path into) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : RoleJvms.classpath().split(File.pathSeparator, -1)) {
            Path p = Path.of(entry);
            if (Files.isRegularFile(p)) {
                // Numbered: two artifacts may share a file name.
                Path copy = into.resolve(entries.size() + "-" + p.getFileName());
                Files.copy(p, copy);
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }
}
