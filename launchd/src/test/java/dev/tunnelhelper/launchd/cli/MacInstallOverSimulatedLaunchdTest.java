package dev.tunnelhelper.launchd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.SimulatedLaunchctl;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.ShimVariant;
import dev.tunnelhelper.shim.SimulatedLaunchd;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnel-helper install --program} against the simulated launchd, which keeps launchd's
 * override database: a label left disabled (by {@code launchctl disable} or an earlier removal)
 * cannot be bootstrapped, and installing again over a loaded job must restart it so an upgraded
 * program runs. Runs in the build's second Surefire run, with the XPC simulator loaded.
 */
@RequiresCapability(Capability.XPC)
class MacInstallOverSimulatedLaunchdTest {
    private static final String LABEL = "com.example.Installed.helper";

    @TempDir
    Path dir;

    @BeforeEach
    void onlyTheSimulatorHasALaunchd() {
        Assumptions.assumeTrue(
                NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR,
                "drives the simulated launchd; on a Mac the macOS workflow's install job does this for real");
    }

    @Test
    void installEnablesADisabledLabelBeforeBootstrapAndRestartsTheLoadedJobWhenRunAgain() throws Exception {
        Path program = Files.writeString(dir.resolve("helper"), "#!/bin/sh\nexec sleep 600\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (SimulatedLaunchd launchd = SimulatedLaunchd.start(Path.of(System.getenv("XPCSIM_ROOT")))) {
            ServiceHost mac = new ServiceHost(Os.MACOS, new SimulatedLaunchctl(launchd), dir.resolve("no-systemd"));
            launchd.setEnabled(LABEL, false);

            Cli first = install(mac, program);
            assertEquals(0, first.exitCode(), first::toString);
            assertEquals("waiting", launchd.print(LABEL).state(), "loaded, started on demand");

            int before = launchd.kickstart(LABEL, false);
            Cli again = install(mac, program);
            assertEquals(0, again.exitCode(), again::toString);
            assertTrue(again.out().contains("restarted it"), again::toString);
            SimulatedLaunchd.JobState after = launchd.print(LABEL);
            assertEquals("running", after.state());
            assertNotEquals(before, after.pid(), "the instance that ran the old program was replaced");
            launchd.bootout(LABEL);
        }
    }

    private Cli install(ServiceHost mac, Path program) {
        return Cli.run(
                new InstallCommand(mac),
                "--team-id",
                "ABCDE12345",
                "--bundle-id",
                "com.example.Installed",
                "--root",
                dir.resolve("root").toString(),
                "--program",
                program.toString());
    }
}
