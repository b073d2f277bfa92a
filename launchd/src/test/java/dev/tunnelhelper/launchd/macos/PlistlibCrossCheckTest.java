package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.exec.ProcessCommandRunner;
import dev.tunnelhelper.shim.Executables;
import dev.tunnelhelper.shim.testing.RequiresTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Python's plistlib, an independent parser, reads sample plists (written to
 * target/generated-plists) and agrees with what we meant to write. python3 is not on every
 * machine; CI installs it and requires this test (REQUIRE_TOOLS).
 */
@RequiresTool("python3")
class PlistlibCrossCheckTest {
    static final Path OUT = Path.of("target", "generated-plists");
    static final Path SCRIPT = Path.of("src", "test", "python", "check_plist.py");

    @Test
    void pythonPlistlibAgreesWithTheGeneratedPlists() throws Exception {
        Files.createDirectories(OUT);
        write(
                "legacy",
                LaunchdSettings.of("ABCDE12345", "com.example.App"),
                DaemonProgram.absolute("/Library/PrivilegedHelperTools/com.example.App.helper"),
                "/Library/Application Support/com.example.App/helper.json");
        write(
                "bundle-with-logs",
                new LaunchdSettings(
                        "Z9Y8X7W6V5",
                        "dev.tunnelhelper.Demo",
                        "dev.tunnelhelper.Demo.d",
                        "/Library/Logs/th.out",
                        "/Library/Logs/th.err"),
                DaemonProgram.inBundle("Contents/MacOS/tunnel-helper"),
                "/Library/Application Support/x/helper.json");

        CommandResult result = new ProcessCommandRunner()
                .run(List.of(Executables.find("python3").orElseThrow().toString(), SCRIPT.toString(), OUT.toString()));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(
                result.output().contains("legacy.plist: ok") && result.output().contains("bundle-with-logs.plist: ok"),
                result.output());
    }

    private static void write(String name, LaunchdSettings settings, DaemonProgram program, String config)
            throws Exception {
        Files.writeString(OUT.resolve(name + ".plist"), new LaunchDaemonPlist(settings, program, config).toXml());
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode expect = mapper.valueToTree(settings);
        expect.put("programKey", program.plistKey());
        expect.put("program", program.path());
        expect.put("config", config);
        Files.writeString(OUT.resolve(name + ".expect.json"), mapper.writeValueAsString(expect));
    }
}
