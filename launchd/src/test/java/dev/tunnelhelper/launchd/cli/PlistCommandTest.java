package dev.tunnelhelper.launchd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.RecordingRunner;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.macos.PlistValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlistCommandTest {
    private final ServiceHost linux = new ServiceHost(Os.LINUX, new RecordingRunner(), Path.of("/nonexistent"));

    @Test
    void readsOnlyTheMacosObjectFromTheHelperConfig(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("helper.json");
        Files.writeString(config, """
                {"deploymentUrl": "https://coder.example.com", "someFutureKey": [1, 2],
                 "macos": {"teamId": "ABCDE12345", "bundleId": "com.example.App",
                           "standardErrorPath": "/Library/Logs/th.err"}}
                """);
        Cli cli = Cli.run(new PlistCommand(linux), "--config", config.toString(), "--program", "/usr/local/bin/th");
        assertEquals(0, cli.exitCode(), cli::toString);
        LaunchdSettings expected =
                new LaunchdSettings("ABCDE12345", "com.example.App", null, null, "/Library/Logs/th.err");
        PlistValidator.validate(cli.out().getBytes(StandardCharsets.UTF_8), expected);
        assertTrue(cli.out().contains("<string>" + config.toAbsolutePath() + "</string>"), cli::toString);
        assertTrue(cli.out().contains("<key>StandardErrorPath</key>"), cli::toString);
    }

    @Test
    void flagsOverrideTheConfigAndDefaultToBundleProgram(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("helper.json");
        Files.writeString(config, "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\"}}");
        Cli cli = Cli.run(
                new PlistCommand(linux),
                "--config",
                config.toString(),
                "--team-id",
                "ZZZZZ99999",
                "--label",
                "com.example.App.tunnel",
                "--daemon-config",
                "/etc/th.json");
        assertEquals(0, cli.exitCode(), cli::toString);
        PlistValidator.validate(
                cli.out().getBytes(StandardCharsets.UTF_8),
                new LaunchdSettings("ZZZZZ99999", "com.example.App", "com.example.App.tunnel", null, null));
        assertTrue(
                cli.out().contains("<key>BundleProgram</key>\n\t<string>Contents/MacOS/tunnel-helper</string>"),
                cli::toString);
        assertTrue(cli.out().contains("<string>/etc/th.json</string>"), cli::toString);
    }

    @Test
    void rejectsUnknownMacosKeysMissingSettingsAndBadPrograms(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("helper.json");
        Files.writeString(
                config,
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\","
                        + " \"keepAlive\": true}}");
        Cli unknown = Cli.run(new PlistCommand(linux), "--config", config.toString());
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("unknown key \"macos.keepAlive\""), unknown::toString);

        Cli missing = Cli.run(new PlistCommand(linux), "--bundle-id", "com.example.App");
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("teamId must be"), missing::toString);

        Cli absoluteBundle = Cli.run(
                new PlistCommand(linux),
                "--team-id",
                "ABCDE12345",
                "--bundle-id",
                "com.example.App",
                "--bundle-program",
                "/Applications/X.app/Contents/MacOS/th");
        assertEquals(2, absoluteBundle.exitCode(), absoluteBundle::toString);
        assertTrue(absoluteBundle.err().contains("BundleProgram must be relative"), absoluteBundle::toString);

        Cli both = Cli.run(
                new PlistCommand(linux),
                "--team-id",
                "ABCDE12345",
                "--bundle-id",
                "com.example.App",
                "--bundle-program",
                "Contents/MacOS/th",
                "--program",
                "/usr/bin/th");
        assertEquals(2, both.exitCode(), both::toString);
        assertTrue(both.err().contains("mutually exclusive"), both::toString);

        Files.writeString(config, "{\"macos\": 3}");
        Cli notObject = Cli.run(new PlistCommand(linux), "--config", config.toString());
        assertEquals(2, notObject.exitCode(), notObject::toString);
        assertTrue(notObject.err().contains("\"macos\" must be an object"), notObject::toString);
    }

    @Test
    void commandsWorkWhenRegisteredByClassLikeTheHelperDoes() {
        // picocli instantiates subcommands registered by class through their no-arg constructors.
        Cli cli = Cli.run(new ServiceCommands(), "plist", "--team-id", "ABCDE12345", "--bundle-id", "com.example.App");
        assertEquals(0, cli.exitCode(), cli::toString);
        PlistValidator.validate(
                cli.out().getBytes(StandardCharsets.UTF_8), LaunchdSettings.of("ABCDE12345", "com.example.App"));
        Cli help = Cli.run(new ServiceCommands(), "--help");
        assertTrue(
                help.out().contains("install")
                        && help.out().contains("uninstall")
                        && help.out().contains("bundle"),
                help::toString);
    }
}
