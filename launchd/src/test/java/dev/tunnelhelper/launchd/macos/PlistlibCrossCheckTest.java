package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.exec.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Writes sample plists to target/generated-plists for check_plist.py (run by CI) and, when a
 * python3 is on this machine, runs that script here too.
 */
class PlistlibCrossCheckTest {
    static final Path OUT = Path.of("target", "generated-plists");
    static final Path SCRIPT = Path.of("src", "test", "python", "check_plist.py");

    @Test
    void pythonPlistlibAgreesWithTheGeneratedPlists() throws Exception {
        Files.createDirectories(OUT);
        write("legacy", LaunchdSettings.of("ABCDE12345", "com.example.App"),
                DaemonProgram.absolute("/Library/PrivilegedHelperTools/com.example.App.helper"),
                "/Library/Application Support/com.example.App/helper.json");
        write("bundle-with-logs", new LaunchdSettings("Z9Y8X7W6V5", "dev.tunnelhelper.Demo", "dev.tunnelhelper.Demo.d",
                        "/Library/Logs/th.out", "/Library/Logs/th.err"),
                DaemonProgram.inBundle("Contents/MacOS/tunnel-helper"), "/Library/Application Support/x/helper.json");

        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python) || onPath("python3"),
                "python3 not installed: check_plist.py runs in CI instead");
        CommandResult result = new ProcessCommandRunner()
                .run(List.of("python3", SCRIPT.toString(), OUT.toString()));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("legacy.plist: ok") && result.output().contains("bundle-with-logs.plist: ok"),
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

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
