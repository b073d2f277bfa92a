package dev.tunnelhelper.launchd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.RecordingRunner;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.launchd.macos.PlistValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MacInstallTest {
    static final String LABEL = "com.example.App.helper";
    static final String PRINT = "launchctl print system/" + LABEL;
    static final String ENABLE = "launchctl enable system/" + LABEL;
    static final String KICKSTART = "launchctl kickstart -k system/" + LABEL;
    static final String NOT_FOUND = "Bad request.\nCould not find service \"" + LABEL + "\" in domain for system";

    @TempDir
    Path tmp;

    Path root;
    Path plist;
    RecordingRunner runner;
    ServiceHost mac;

    @BeforeEach
    void setUp() {
        root = tmp.resolve("root");
        plist = root.resolve("Library/LaunchDaemons/" + LABEL + ".plist");
        runner = new RecordingRunner();
        mac = new ServiceHost(Os.MACOS, runner, tmp.resolve("no-systemd-on-macos"));
    }

    @Test
    void legacyInstallWritesPlistAndConfigThenBootstraps() throws Exception {
        runner.answer(PRINT, 113, NOT_FOUND);
        Cli cli = install("--program", "/Library/PrivilegedHelperTools/tunnel-helper");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(List.of(PRINT, ENABLE, "launchctl bootstrap system " + plist), runner.commandLines());
        PlistValidator.validate(Files.readAllBytes(plist), LaunchdSettings.of("ABCDE12345", "com.example.App"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(plist)));
        String xml = Files.readString(plist);
        assertTrue(xml.contains("<string>/Library/Application Support/com.example.App/helper.json</string>"), xml);

        // The default config is what the helper's strict mapper reads: only the macos object, no derived names.
        Path config = root.resolve("Library/Application Support/com.example.App/helper.json");
        JsonNode macos = new ObjectMapper().readTree(config.toFile()).get("macos");
        LaunchdSettings read = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .treeToValue(macos, LaunchdSettings.class);
        assertEquals(LaunchdSettings.of("ABCDE12345", "com.example.App"), read);
        assertTrue(cli.out().contains("loaded " + LABEL), cli::toString);
    }

    @Test
    void installingTwiceRestartsTheLoadedServiceSoAnUpgradedProgramRuns() throws Exception {
        runner.answer(PRINT, 113, NOT_FOUND);
        assertEquals(0, install("--program", "/usr/local/bin/th").exitCode());
        runner.answer(PRINT, 0, "system/" + LABEL + " = {\n\tstate = not running\n}");
        Cli again = install("--program", "/usr/local/bin/th");
        assertEquals(0, again.exitCode(), again::toString);
        assertEquals(
                List.of(PRINT, ENABLE, "launchctl bootstrap system " + plist, PRINT, KICKSTART), runner.commandLines());
        assertTrue(again.out().contains("already installed"), again::toString);
        assertTrue(again.out().contains("restarted it (launchctl kickstart -k)"), again::toString);
    }

    @Test
    void aChangedPlistIsBootedOutAndBootstrappedAgain() throws Exception {
        runner.answer(PRINT, 113, NOT_FOUND);
        install("--program", "/usr/local/bin/th");
        runner.answer(PRINT, 0, "state = running");
        Cli cli = install("--program", "/usr/local/bin/th2");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(
                List.of(
                        PRINT,
                        ENABLE,
                        "launchctl bootstrap system " + plist,
                        PRINT,
                        "launchctl bootout system/" + LABEL,
                        ENABLE,
                        "launchctl bootstrap system " + plist),
                runner.commandLines());
        assertTrue(Files.readString(plist).contains("<string>/usr/local/bin/th2</string>"));
    }

    @Test
    void bootstrapFailureIsReportedWithExitCodeAndOutput() {
        runner.answer(PRINT, 113, NOT_FOUND);
        runner.answer("launchctl bootstrap system " + plist, 5, "Bootstrap failed: 5: Input/output error");
        Cli cli = install("--program", "/usr/local/bin/th");
        assertEquals(1, cli.exitCode(), cli::toString);
        assertTrue(cli.err().contains("exited with code 5: Bootstrap failed: 5: Input/output error"), cli::toString);
    }

    @Test
    void bundleInstallWritesIntoTheBundleAndNeverCallsLaunchctl() throws Exception {
        Path app = Files.createDirectories(tmp.resolve("Example.app/Contents/MacOS"));
        Path bundle = app.getParent().getParent();
        Cli cli = install("--bundle", bundle.toString());
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(List.of(), runner.commandLines());
        Path inBundle = bundle.resolve("Contents/Library/LaunchDaemons/" + LABEL + ".plist");
        String xml = Files.readString(inBundle);
        assertTrue(xml.contains("<key>BundleProgram</key>\n\t<string>Contents/MacOS/tunnel-helper</string>"), xml);
        assertFalse(xml.contains("--config"), "nothing would create a config file for an SMAppService daemon: " + xml);
        assertTrue(xml.contains("<string>--team-id</string>\n\t\t<string>ABCDE12345</string>"), xml);
        assertTrue(
                cli.out().contains("SMAppService.daemon(plistName: \"" + LABEL + ".plist\").register()"),
                cli::toString);
        assertFalse(Files.exists(root.resolve("Library/LaunchDaemons")), "bundle installs touch no system path");
    }

    @Test
    void refusesMissingTargetAndBadSettings() {
        Cli none = install();
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().contains("give --bundle App.app (SMAppService) or --program PATH"), none::toString);

        Cli relative = install("--program", "bin/th");
        assertEquals(2, relative.exitCode(), relative::toString);
        assertTrue(relative.err().contains("Program must be an absolute path"), relative::toString);

        Cli badTeam = Cli.run(
                new InstallCommand(mac),
                "--team-id",
                "abc",
                "--bundle-id",
                "com.example.App",
                "--program",
                "/usr/local/bin/th",
                "--root",
                root.toString());
        assertEquals(2, badTeam.exitCode(), badTeam::toString);
        assertTrue(badTeam.err().contains("teamId must be 10 uppercase letters or digits"), badTeam::toString);
        assertEquals(List.of(), runner.commandLines());
    }

    @Test
    void uninstallBootsOutRemovesAndPurgesThenIsIdempotent() throws Exception {
        runner.answer(PRINT, 113, NOT_FOUND);
        install("--program", "/usr/local/bin/th");
        runner.answer(PRINT, 0, "state = running");
        Cli cli = uninstall("--purge");
        assertEquals(0, cli.exitCode(), cli::toString);
        assertEquals(
                List.of(
                        PRINT,
                        ENABLE,
                        "launchctl bootstrap system " + plist,
                        PRINT,
                        "launchctl bootout system/" + LABEL),
                runner.commandLines());
        assertFalse(Files.exists(plist));
        assertFalse(Files.exists(root.resolve("Library/Application Support/com.example.App")));

        runner.answer(PRINT, 113, NOT_FOUND);
        Cli again = uninstall();
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("not installed"), again::toString);
        assertEquals(PRINT, runner.commandLines().get(runner.commandLines().size() - 1));
    }

    @Test
    void bootoutFailureIsReported() {
        runner.answer(PRINT, 0, "state = running");
        runner.answer(
                "launchctl bootout system/" + LABEL,
                150,
                "Boot-out failed: 150: Operation not permitted while System Integrity Protection is engaged");
        Cli cli = uninstall();
        assertEquals(1, cli.exitCode(), cli::toString);
        assertTrue(
                cli.err().contains("`launchctl bootout system/" + LABEL + "` exited with code 150: Boot-out failed"),
                cli::toString);
    }

    private Cli install(String... extra) {
        return Cli.run(new InstallCommand(mac), withSettings(extra));
    }

    private Cli uninstall(String... extra) {
        return Cli.run(new UninstallCommand(mac), withSettings(extra));
    }

    private String[] withSettings(String... extra) {
        List<String> args = new java.util.ArrayList<>(
                List.of("--team-id", "ABCDE12345", "--bundle-id", "com.example.App", "--root", root.toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}
