package dev.tunnelhelper.launchd.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.RecordingRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceStatusProbeTest {
    private static final String LABEL = "com.example.App.helper";
    // Trimmed from a real `launchctl print system/<label>`; nested blocks also contain "state =" lines.
    private static final String LAUNCHCTL_PRINT = """
            system/com.example.App.helper = {
            	active count = 1
            	path = /Library/LaunchDaemons/com.example.App.helper.plist
            	type = LaunchDaemon
            	state = running

            	program = /Library/PrivilegedHelperTools/tunnel-helper
            	pid = 4242
            	endpoints = {
            		"ABCDE12345.com.example.App.HelperNE" = {
            			port = 0x1a03
            			active = 1
            			managed = 1
            			reset = 0
            			hide = 0
            			watching = 1
            		}
            	}
            	event channels = {
            		"com.apple.launchd.helper" = {
            			state = not active
            		}
            	}
            }
            """;

    @TempDir
    Path tmp;

    @Test
    void launchdLoadedAndRunning() throws Exception {
        RecordingRunner runner = new RecordingRunner().answer("launchctl print system/" + LABEL, 0, LAUNCHCTL_PRINT);
        ServiceStatus status = new ServiceStatusProbe(new ServiceHost(Os.MACOS, runner, tmp)).probe(LABEL);
        assertEquals(new ServiceStatus("launchd", LABEL, true, true, "running", 4242L, ""), status);
        assertEquals("launchd com.example.App.helper: loaded, state running, pid 4242", status.toText());
        assertEquals(List.of("launchctl print system/" + LABEL), runner.commandLines());
        String json = new ObjectMapper().writeValueAsString(status);
        assertTrue(json.contains("\"loaded\":true") && json.contains("\"pid\":4242"), json);
    }

    @Test
    void launchdNotLoaded() throws Exception {
        RecordingRunner runner =
                new RecordingRunner().answer("launchctl print system/" + LABEL, 113, "Could not find service");
        ServiceStatus status = new ServiceStatusProbe(new ServiceHost(Os.MACOS, runner, tmp)).probe(LABEL);
        assertFalse(status.loaded());
        assertNull(status.pid());
        assertEquals(
                "launchd com.example.App.helper: not loaded, state not loaded (launchctl print exited with 113)",
                status.toText());
    }

    @Test
    void systemdNotRunning() throws Exception {
        RecordingRunner runner = new RecordingRunner();
        Path marker = tmp.resolve("run/systemd/system");
        ServiceStatus status = new ServiceStatusProbe(new ServiceHost(Os.LINUX, runner, marker)).probe(LABEL);
        assertFalse(status.managerAvailable());
        assertFalse(status.loaded());
        assertTrue(status.detail().startsWith("systemd not running"), status.detail());
        assertEquals(List.of(), runner.commandLines());
    }

    @Test
    void systemdActiveAndInactive() throws Exception {
        Path marker = Files.createDirectories(tmp.resolve("run/systemd/system"));
        RecordingRunner runner = new RecordingRunner()
                .answer("systemctl is-active tunnel-helper.service", 0, "active\n")
                .answer("systemctl is-enabled tunnel-helper.service", 0, "enabled\n");
        ServiceStatus up = new ServiceStatusProbe(new ServiceHost(Os.LINUX, runner, marker)).probe(LABEL);
        assertEquals("systemd tunnel-helper.service: loaded, state active (unit file enabled)", up.toText());
        assertEquals(
                List.of("systemctl is-active tunnel-helper.service", "systemctl is-enabled tunnel-helper.service"),
                runner.commandLines());

        RecordingRunner absent = new RecordingRunner()
                .answer("systemctl is-active tunnel-helper.service", 3, "inactive\n")
                .answer("systemctl is-enabled tunnel-helper.service", 1, "");
        ServiceStatus down = new ServiceStatusProbe(new ServiceHost(Os.LINUX, absent, marker)).probe(LABEL);
        assertFalse(down.loaded());
        assertEquals("inactive", down.state());
        assertEquals("unit file not-found", down.detail());
    }
}
