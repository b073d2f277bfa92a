package dev.tunnelhelper.launchd.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.exec.ProcessCommandRunner;
import dev.tunnelhelper.shim.Executables;
import dev.tunnelhelper.shim.testing.RequiresTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdUnitTest {
    private static final String ANALYZE = "systemd-analyze";

    private static String analyze() {
        return Executables.find(ANALYZE).orElseThrow().toString();
    }

    @Test
    void rendersExecStartTypeAndHardening() {
        String unit = new SystemdUnit(
                        "/opt/tunnel-helper/bin/tunnel-helper",
                        "/etc/tunnel-helper/helper.json",
                        SystemdUnit.Type.NOTIFY)
                .render();
        Map<String, String> service = directives(unit);
        assertEquals("notify", service.get("Type"));
        assertEquals("main", service.get("NotifyAccess"));
        assertEquals(
                "/opt/tunnel-helper/bin/tunnel-helper run --config /etc/tunnel-helper/helper.json",
                service.get("ExecStart"));
        assertEquals("CAP_NET_ADMIN CAP_NET_RAW CAP_CHOWN", service.get("CapabilityBoundingSet"));
        assertEquals("yes", service.get("NoNewPrivileges"));
        assertEquals("strict", service.get("ProtectSystem"));
        assertEquals("/var/lib/tunnel-helper /var/log/tunnel-helper", service.get("ReadWritePaths"));
        assertEquals("tunnel-helper", service.get("RuntimeDirectory"));
        assertEquals("tunnel-helper", service.get("StateDirectory"));
        assertEquals("tunnel-helper", service.get("LogsDirectory"));
        assertEquals("yes", service.get("ProtectHome"));
        assertEquals("yes", service.get("PrivateTmp"));
        assertEquals("/dev/net/tun rw", service.get("DeviceAllow"));
        assertEquals("AF_UNIX AF_INET AF_INET6 AF_NETLINK", service.get("RestrictAddressFamilies"));
        assertEquals("on-failure", service.get("Restart"));
        assertFalse(service.containsKey("MemoryDenyWriteExecute"), "the JIT needs W+X memory");
        assertFalse(unit.contains("@"), "unreplaced placeholder in:\n" + unit);
    }

    @Test
    void simpleTypeHasNoNotifyAccessAndPathsWithSpacesAreQuoted() {
        String unit =
                new SystemdUnit("/opt/Tunnel Helper/bin/th", "/etc/th/helper.json", SystemdUnit.Type.SIMPLE).render();
        Map<String, String> service = directives(unit);
        assertEquals("simple", service.get("Type"));
        assertFalse(service.containsKey("NotifyAccess"));
        assertEquals("\"/opt/Tunnel Helper/bin/th\" run --config /etc/th/helper.json", service.get("ExecStart"));
    }

    @Test
    void rejectsRelativeOrUnsafePaths() {
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new SystemdUnit("bin/th", "/etc/th.json", SystemdUnit.Type.NOTIFY));
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new SystemdUnit("/bin/th", "th.json", SystemdUnit.Type.NOTIFY));
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new SystemdUnit("/bin/th\nExecStartPre=/bin/rm", "/etc/th.json", SystemdUnit.Type.NOTIFY));
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new SystemdUnit("/bin/%h", "/etc/th.json", SystemdUnit.Type.NOTIFY));
    }

    @Test
    @RequiresTool(ANALYZE)
    void passesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        // verify refuses a unit whose ExecStart does not exist, so point it at a real executable.
        Path program = dir.resolve("tunnel helper");
        Files.writeString(program, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (SystemdUnit.Type type : SystemdUnit.Type.values()) {
            Path unitFile = dir.resolve(SystemdUnit.UNIT_NAME);
            Files.writeString(
                    unitFile, new SystemdUnit(program.toString(), "/etc/tunnel-helper/helper.json", type).render());
            CommandResult result = new ProcessCommandRunner().run(List.of(analyze(), "verify", unitFile.toString()));
            assertEquals(0, result.exitCode(), result.describe());
            // verify exits 0 even for unknown or misspelt directives; it only warns, naming the file.
            assertFalse(result.output().contains(SystemdUnit.UNIT_NAME), type + ": " + result.output());
        }
    }

    @Test
    @RequiresTool(ANALYZE)
    void verifyCatchesAMissingProgram(@TempDir Path dir) throws Exception {
        Path unitFile = dir.resolve(SystemdUnit.UNIT_NAME);
        Files.writeString(
                unitFile,
                new SystemdUnit(dir.resolve("absent").toString(), "/etc/th.json", SystemdUnit.Type.NOTIFY).render());
        CommandResult result = new ProcessCommandRunner().run(List.of(analyze(), "verify", unitFile.toString()));
        assertTrue(result.exitCode() != 0, "verify must fail on a missing ExecStart: " + result.describe());
    }

    private static Map<String, String> directives(String unit) {
        String service = unit.substring(unit.indexOf("[Service]"), unit.indexOf("[Install]"));
        return Arrays.stream(service.split("\n"))
                .filter(line -> !line.startsWith("#") && line.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1)));
    }
}
