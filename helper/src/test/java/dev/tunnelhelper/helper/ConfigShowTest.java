package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.cli.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code config show --json}: the configuration as the daemon applies it, and the one source of
 * the Mach service names: a config with only {@code macos.teamId} and {@code macos.bundleId}
 * gives a plist whose {@code MachServices} are exactly the names {@code config show} reports.
 */
class ConfigShowTest {
    private static final String TEAM_REQUIREMENT =
            "anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\"";

    @TempDir
    Path dir;

    @Test
    void thePlistDeclaresExactlyTheMachServicesConfigShowReports() throws Exception {
        Path config = Files.writeString(
                dir.resolve("helper.json"),
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\"}}");
        HelperCommandLine.Run show = HelperCommandLine.run("config", "show", "--json", "--config", config.toString());
        assertEquals(ExitCodes.OK, show.code(), show.err());
        JsonNode shown = new ObjectMapper().readTree(show.out());
        Set<String> names = Set.of(
                shown.at("/machServices/app").asText(),
                shown.at("/machServices/extension").asText());
        assertEquals(Set.of("ABCDE12345.com.example.App.HelperApp", "ABCDE12345.com.example.App.HelperNE"), names);
        assertEquals(
                TEAM_REQUIREMENT,
                shown.at("/config/xpc/appRequirement").asText(),
                "the app endpoint requires the team");
        assertEquals(
                TEAM_REQUIREMENT, shown.at("/config/xpc/extensionRequirement").asText());
        assertEquals(config.toString(), shown.get("configFile").asText());

        HelperCommandLine.Run plist = HelperCommandLine.run(
                "plist", "--config", config.toString(), "--program", "/Library/PrivilegedHelperTools/tunnel-helper");
        assertEquals(0, plist.code(), plist.err());
        NSDictionary parsed =
                (NSDictionary) PropertyListParser.parse(plist.out().getBytes(StandardCharsets.UTF_8));
        assertEquals(new TreeSet<>(names), new TreeSet<>(((NSDictionary) parsed.get("MachServices")).keySet()));
    }

    @Test
    void showsEveryDefaultAndTheCarrierThisMachineUses() throws Exception {
        HelperCommandLine.Run show = HelperCommandLine.run("config", "show", "--state-dir", dir.toString());
        assertEquals(ExitCodes.OK, show.code(), show.err());
        JsonNode shown = new ObjectMapper().readTree(show.out());
        assertEquals("unix", shown.get("carrier").asText(), "no macos/xpc section, and this is Linux");
        assertTrue(shown.get("config").get("xpc").isNull());
        assertTrue(shown.path("machServices").isMissingNode(), show.out());
        assertEquals(
                dir.resolve("bin").toString(),
                shown.at("/config/binaryDirectory").asText());
        assertEquals("2.24.3", shown.at("/config/minimumVersion").asText());
        assertEquals(60, shown.at("/config/connections/idleTimeoutSeconds").asInt());
        assertEquals(false, shown.get("configFileExists").asBoolean());
    }

    @Test
    void aServiceNameThatDiffersFromTheDerivedOneIsRefused() throws Exception {
        Path config = Files.writeString(
                dir.resolve("helper.json"),
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\"},"
                        + " \"xpc\": {\"appServiceName\": \"ABCDE12345.com.example.Other.HelperApp\"}}");
        HelperCommandLine.Run show = HelperCommandLine.run("config", "show", "--config", config.toString());
        assertEquals(ExitCodes.USAGE, show.code());
        assertTrue(
                show.err()
                        .contains(
                                "\"xpc.appServiceName\" \"ABCDE12345.com.example.Other.HelperApp\" differs from "
                                        + "ABCDE12345.com.example.App.HelperApp, the name the plist made from the macos section declares"),
                show.err());
    }

    @Test
    void anXpcRequirementOverridesTheDerivedOne() throws Exception {
        Path config = Files.writeString(
                dir.resolve("helper.json"),
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\"},"
                        + " \"xpc\": {\"extensionRequirement\": \"anchor apple generic and identifier \\\"com.example.App.NE\\\"\"}}");
        JsonNode shown = new ObjectMapper()
                .readTree(HelperCommandLine.run("config", "show", "--config", config.toString())
                        .out());
        assertEquals(
                "anchor apple generic and identifier \"com.example.App.NE\"",
                shown.at("/config/xpc/extensionRequirement").asText());
        assertEquals(TEAM_REQUIREMENT, shown.at("/config/xpc/appRequirement").asText());
        assertEquals(
                "ABCDE12345.com.example.App.HelperNE",
                shown.at("/config/xpc/extensionServiceName").asText());
    }
}
