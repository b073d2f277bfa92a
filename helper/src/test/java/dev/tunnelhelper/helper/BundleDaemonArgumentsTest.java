package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.cli.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon an app bundle registers with SMAppService needs no config file (B4: nothing could
 * create one, the app is not root): its plist starts {@code run} with the team and bundle ids,
 * from which the helper derives the Mach services the same plist declares.
 */
class BundleDaemonArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void theBundlePlistStartsTheDaemonWithTheIdentityItsMachServicesComeFrom() throws Exception {
        HelperCommandLine.Run plist =
                HelperCommandLine.run(List.of("plist", "--team-id", "ABCDE12345", "--bundle-id", "com.example.App"));
        assertEquals(0, plist.code(), plist.err());
        NSDictionary parsed =
                (NSDictionary) PropertyListParser.parse(plist.out().getBytes(StandardCharsets.UTF_8));
        List<String> argv = Arrays.stream(((NSArray) parsed.get("ProgramArguments")).getArray())
                .map(Object::toString)
                .toList();
        assertEquals("Contents/MacOS/tunnel-helper", argv.get(0));
        assertFalse(argv.contains("--config"), "a config file nothing creates: " + argv);

        // `run` takes exactly these arguments ...
        HelperMain.commandLine().parseArgs(argv.subList(1, argv.size()).toArray(String[]::new));
        // ... and with them the helper listens on the names MachServices declares, with no config file.
        List<String> show = new ArrayList<>(List.of("config", "show", "--json"));
        show.addAll(argv.subList(2, argv.size()));
        HelperCommandLine.Run shown = HelperCommandLine.run(show);
        assertEquals(ExitCodes.OK, shown.code(), shown.err());
        JsonNode config = new ObjectMapper().readTree(shown.out());
        assertEquals(
                Set.of(((NSDictionary) parsed.get("MachServices")).allKeys()),
                Set.of(
                        config.at("/machServices/app").asText(),
                        config.at("/machServices/extension").asText()));
        assertEquals(
                "/Library/Application Support/com.example.App/helper.json",
                config.get("configFile").asText(),
                "an administrator may put one there; it is read only if it exists");
    }

    @Test
    void theCommandLineIdentityReplacesTheFilesMacosSection() throws Exception {
        Path file = Files.writeString(
                dir.resolve("helper.json"),
                "{\"macos\": {\"teamId\": \"ZZZZZ99999\", \"bundleId\": \"com.example.Other\"}, \"minimumVersion\": \"2.30.0\"}");
        HelperCommandLine.Run shown = HelperCommandLine.run(List.of(
                "config",
                "show",
                "--config",
                file.toString(),
                "--team-id",
                "ABCDE12345",
                "--bundle-id",
                "com.example.App"));
        assertEquals(ExitCodes.OK, shown.code(), shown.err());
        JsonNode config = new ObjectMapper().readTree(shown.out());
        assertEquals(
                "ABCDE12345.com.example.App.HelperApp",
                config.at("/machServices/app").asText());
        assertEquals("2.30.0", config.at("/config/minimumVersion").asText(), "the rest of the file still applies");
    }

    @Test
    void aTeamWithoutABundleIsAUsageError() {
        HelperCommandLine.Run shown = HelperCommandLine.run(List.of("config", "show", "--team-id", "ABCDE12345"));
        assertEquals(ExitCodes.USAGE, shown.code());
        assertTrue(shown.err().contains("--team-id and --bundle-id go together"), shown.err());
        HelperCommandLine.Run badTeam =
                HelperCommandLine.run(List.of("config", "show", "--team-id", "abc", "--bundle-id", "com.example.App"));
        assertEquals(ExitCodes.USAGE, badTeam.code());
        assertTrue(badTeam.err().contains("teamId must be 10 uppercase letters or digits"), badTeam.err());
    }
}
