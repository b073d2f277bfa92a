package dev.tunnelhelper.launchd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.RecordingRunner;
import dev.tunnelhelper.launchd.install.ServiceHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxInstallTest {
    @TempDir
    Path tmp;

    Path root;
    Path unit;
    RecordingRunner runner;
    ServiceHost withSystemd;

    @BeforeEach
    void setUp() throws Exception {
        root = tmp.resolve("root");
        unit = root.resolve("etc/systemd/system/tunnel-helper.service");
        runner = new RecordingRunner();
        Path marker = Files.createDirectories(tmp.resolve("run/systemd/system"));
        withSystemd = new ServiceHost(Os.LINUX, runner, marker);
    }

    @Test
    void installWritesUnitAndConfigThenEnablesAndStarts() throws Exception {
        Cli cli = install(withSystemd, "--program", "/opt/th/bin/tunnel-helper");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(
                List.of("systemctl daemon-reload", "systemctl enable --now tunnel-helper.service"),
                runner.commandLines());
        String text = Files.readString(unit);
        assertTrue(
                text.contains("\nExecStart=/opt/th/bin/tunnel-helper run --config /etc/tunnel-helper/helper.json\n"),
                text);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(unit)));
        if (ServiceHost.runningAsRoot()) {
            assertEquals(0, Files.getAttribute(unit, "unix:uid"));
            assertEquals(0, Files.getAttribute(unit, "unix:gid"));
        }
        assertEquals("{}\n", Files.readString(root.resolve("etc/tunnel-helper/helper.json")));
        assertTrue(cli.out().contains("enabled and started tunnel-helper.service"), cli::toString);
    }

    @Test
    void secondInstallIsIdempotentAndKeepsTheOperatorsConfig() throws Exception {
        Path config = root.resolve("etc/tunnel-helper/helper.json");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"minVersion\":\"2.0.0\"}");
        assertEquals(0, install(withSystemd).exitCode());
        Cli again = install(withSystemd);
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(
                List.of(
                        "systemctl daemon-reload",
                        "systemctl enable --now tunnel-helper.service",
                        "systemctl enable --now tunnel-helper.service"),
                runner.commandLines());
        assertTrue(again.out().contains("unchanged: " + unit), again::toString);
        assertTrue(again.out().contains("already installed"), again::toString);
        assertEquals("{\"minVersion\":\"2.0.0\"}", Files.readString(config));
        assertTrue(Files.readString(unit).contains("ExecStart=/opt/tunnel-helper/bin/tunnel-helper run"));
    }

    @Test
    void withoutSystemdWritesFilesAndWarnsButSucceeds() throws Exception {
        ServiceHost noSystemd = new ServiceHost(Os.LINUX, runner, tmp.resolve("absent"));
        Cli cli = install(noSystemd, "--unit-type", "SIMPLE");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(List.of(), runner.commandLines());
        assertTrue(Files.readString(unit).contains("\nType=simple\n"));
        assertTrue(cli.err().contains("warning: systemd is not running"), cli::toString);
        assertTrue(cli.err().contains("could not be enabled or started"), cli::toString);
        assertTrue(cli.out().contains("wrote " + unit), cli::toString);

        Cli removed = Cli.run(new UninstallCommand(noSystemd), "--root", root.toString());
        assertEquals(0, removed.exitCode(), removed::toString);
        assertFalse(Files.exists(unit));
        assertTrue(removed.err().contains("removed the unit file only; nothing was stopped"), removed::toString);
        assertEquals(List.of(), runner.commandLines());
    }

    @Test
    void systemctlFailureIsReportedWithExitCodeAndOutput() throws Exception {
        runner.answer(
                "systemctl enable --now tunnel-helper.service",
                1,
                "Job for tunnel-helper.service failed because the control process exited with error code.");
        Cli cli = install(withSystemd);
        assertEquals(1, cli.exitCode(), cli::toString);
        assertTrue(
                cli.err().contains("`systemctl enable --now tunnel-helper.service` exited with code 1: Job for"),
                cli::toString);
    }

    @Test
    void uninstallStopsDisablesRemovesAndIsIdempotent() throws Exception {
        install(withSystemd);
        Files.createDirectories(root.resolve("var/lib/tunnel-helper/bin"));
        Files.writeString(root.resolve("var/lib/tunnel-helper/bin/coder"), "x");
        Cli cli = Cli.run(new UninstallCommand(withSystemd), "--root", root.toString(), "--purge");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(
                List.of(
                        "systemctl daemon-reload",
                        "systemctl enable --now tunnel-helper.service",
                        "systemctl disable --now tunnel-helper.service",
                        "systemctl daemon-reload"),
                runner.commandLines());
        assertFalse(Files.exists(unit));
        assertFalse(Files.exists(root.resolve("var/lib/tunnel-helper")));
        assertTrue(Files.exists(root.resolve("etc/tunnel-helper/helper.json")), "config is the operator's");

        Cli again = Cli.run(new UninstallCommand(withSystemd), "--root", root.toString());
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("not installed"), again::toString);
        assertEquals(4, runner.commandLines().size(), "nothing to stop: no further systemctl calls");
    }

    @Test
    void filesOnlyNeverCallsSystemctl() throws Exception {
        assertEquals(0, install(withSystemd, "--files-only").exitCode());
        assertEquals(
                0,
                Cli.run(new UninstallCommand(withSystemd), "--root", root.toString(), "--files-only")
                        .exitCode());
        assertEquals(List.of(), runner.commandLines());
        assertFalse(Files.exists(unit));
    }

    @Test
    void macOptionsAreRefusedOnLinux() {
        Cli cli = install(withSystemd, "--bundle", tmp.toString());
        assertEquals(2, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("macOS options"), cli::toString);
    }

    private Cli install(ServiceHost host, String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--root";
        args[1] = root.toString();
        System.arraycopy(extra, 0, args, 2, extra.length);
        return Cli.run(new InstallCommand(host), args);
    }
}
