package dev.tunnelhelper.helper.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tunnelhelper.cli.Cli;
import dev.tunnelhelper.helper.HelperDaemon;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.launchd.Os;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.install.ServiceHost;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import dev.tunnelhelper.testbed.tunnel.TunnelSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * doctor against a real helper (in-process, real sockets), a real testbed deployment, real files
 * and devices: each check passes, and each fails when the thing it checks is broken. Only the
 * service manager is played by a scripted systemctl, since this machine runs no systemd.
 */
@Timeout(120)
@RequiresRootAndTun
class DoctorCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private DeploymentServer deployment;
    private Path state;
    private HelperPaths paths;
    private HelperDaemon helper;
    private ServiceHost services;
    private Path tun = DoctorCommand.LINUX_TUN;

    @BeforeEach
    void startDeploymentAndHelper() throws Exception {
        deployment = DeploymentServer.start(DeploymentOptions.builder(
                        Files.createDirectories(dir.resolve("deployment")),
                        BinarySource.bytes("reference tunnel", TunnelLauncher.script(TunnelSettings.defaults())))
                .build());
        state = Files.createDirectories(dir.resolve("state"));
        paths = HelperPaths.underStateDir(state);
        HelperConfig config = HelperConfig.defaults()
                .withDirectories(
                        paths.socketDirectory().toString(),
                        paths.binaryDirectory().toString(),
                        paths.logDirectory().toString());
        helper = new HelperDaemon(config, paths);
        helper.start();
        services = new ServiceHost(
                Os.LINUX, systemctl("active", "enabled"), Files.createDirectories(dir.resolve("systemd")));
    }

    @AfterEach
    void stop() {
        helper.close();
        deployment.close();
    }

    /** systemctl as a script: is-active and is-enabled answer as given. */
    private static dev.tunnelhelper.launchd.exec.CommandRunner systemctl(String active, String enabled) {
        return command -> CommandResult.exited(
                command,
                command.contains("is-active") ? (active.equals("active") ? 0 : 3) : (enabled.equals("enabled") ? 0 : 1),
                command.contains("is-active") ? active : enabled);
    }

    private record Report(int code, Map<String, JsonNode> checks, String text) {
        String status(String name) {
            return checks.get(name).get("status").asText();
        }

        String detail(String name) {
            return checks.get(name).get("detail").asText();
        }

        String fix(String name) {
            return checks.get(name).get("fix").asText();
        }
    }

    private Report doctor(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--json",
                "--state-dir",
                state.toString(),
                "--ed25519-key",
                deployment.publicKeyPath().toString()));
        args.addAll(List.of(extra));
        CommandLine cl = Cli.prepare(new CommandLine(new DoctorCommand(services, tun)));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        int code = cl.execute(args.toArray(String[]::new));
        Map<String, JsonNode> checks = new LinkedHashMap<>();
        for (JsonNode c : JSON.readTree(out.toString()).get("checks")) {
            checks.put(c.get("name").asText(), c);
        }
        return new Report(code, checks, out.toString());
    }

    /** The bytes the deployment signs, placed where the helper caches them. */
    private Path cacheTheDeploymentsBinary() throws Exception {
        Path binary = Files.createDirectories(paths.binaryDirectory())
                .resolve("coder-" + deployment.platform().os() + "-"
                        + deployment.platform().arch());
        Files.write(binary, TunnelLauncher.script(TunnelSettings.defaults()));
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        return binary;
    }

    @Test
    void aHealthyMachinePassesEveryCheckAndExitsZero() throws Exception {
        cacheTheDeploymentsBinary();
        Report r = doctor("--url", deployment.url());
        assertEquals(
                List.of(
                        "config",
                        "app-endpoint",
                        "extension-endpoint",
                        "socket-files",
                        "state-directory",
                        "signature-config",
                        "binary-cache",
                        "tun-device",
                        "service-manager",
                        "deployment"),
                List.copyOf(r.checks().keySet()));
        for (String name : r.checks().keySet()) {
            assertEquals("ok", r.status(name), name + ": " + r.detail(name));
            assertTrue(r.checks().get(name).get("fix").isNull(), name);
        }
        assertEquals(0, r.code());
        assertTrue(r.detail("app-endpoint").contains("answers: IDLE"), r.detail("app-endpoint"));
        assertTrue(
                r.detail("socket-files").contains("ne.sock uid 0 mode 0600, app.sock uid 0 mode 0660"),
                r.detail("socket-files"));
        assertTrue(
                r.detail("binary-cache").contains("verified, reports " + deployment.version()),
                r.detail("binary-cache"));
        assertTrue(r.detail("deployment").contains(deployment.version()), r.detail("deployment"));
    }

    @Test
    void aBrokenConfigFailsFirstAndAlone() throws Exception {
        Files.writeString(paths.config(), "{\"minimumVersoin\": \"2.25.0\"}");
        Report r = doctor();
        assertEquals(List.of("config"), List.copyOf(r.checks().keySet()));
        assertEquals("fail", r.status("config"));
        assertTrue(r.detail("config").contains("unknown key \"minimumVersoin\""), r.detail("config"));
        assertEquals(1, r.code());
    }

    @Test
    void aHelperThatIsNotRunningFailsBothEndpointsAndTheSocketFiles() throws Exception {
        helper.close();
        Report r = doctor();
        assertEquals("fail", r.status("app-endpoint"));
        assertTrue(r.detail("app-endpoint").startsWith(paths.appSocket() + ": no socket"), r.detail("app-endpoint"));
        assertTrue(r.fix("app-endpoint").contains("systemctl start tunnel-helper.service"), r.fix("app-endpoint"));
        assertEquals("fail", r.status("extension-endpoint"));
        assertEquals("fail", r.status("socket-files"));
        assertEquals(paths.extensionSocket() + " does not exist", r.detail("socket-files"));
        assertEquals(1, r.code());
    }

    @Test
    void aSocketOthersCanReachFails() throws Exception {
        Files.setPosixFilePermissions(paths.extensionSocket(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Report r = doctor();
        assertEquals("fail", r.status("socket-files"));
        assertTrue(r.detail("socket-files").contains("ne.sock has mode 0666"), r.detail("socket-files"));
        assertTrue(r.fix("socket-files").contains("restart the helper"), r.fix("socket-files"));
    }

    @Test
    void aStateDirectoryOthersCanWriteFails() throws Exception {
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        Report r = doctor();
        assertEquals("fail", r.status("state-directory"));
        assertTrue(r.detail("state-directory").startsWith(state + " (uid 0, mode 0777)"), r.detail("state-directory"));
        assertEquals("chmod go-w " + state, r.fix("state-directory"));
        assertEquals(1, r.code());
    }

    @Test
    void aKeyThatIsNotAnEd25519PemFailsTheSignatureConfiguration() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key\n");
        Report r = doctor("--ed25519-key", garbage.toString());
        assertEquals("fail", r.status("signature-config"));
        assertTrue(
                r.detail("signature-config").contains(garbage + " holds no PEM 'PUBLIC KEY' block"),
                r.detail("signature-config"));
        assertTrue(r.fix("signature-config").contains("--ed25519-key"), r.fix("signature-config"));
    }

    @Test
    void noCachedBinaryIsAWarningAndWithoutTheDeploymentItCannotBeVerified() throws Exception {
        Report none = doctor();
        assertEquals("warn", none.status("binary-cache"));
        assertTrue(none.detail("binary-cache").startsWith("no binary at "), none.detail("binary-cache"));
        assertEquals(0, none.code(), "warnings alone do not fail");
        cacheTheDeploymentsBinary();
        Report noUrl = doctor();
        assertEquals("warn", noUrl.status("binary-cache"));
        assertTrue(noUrl.fix("binary-cache").contains("--url"), noUrl.fix("binary-cache"));
    }

    @Test
    void aTamperedCachedBinaryFailsVerificationAndIsNeverRun() throws Exception {
        Path binary = cacheTheDeploymentsBinary();
        Path ran = dir.resolve("ran");
        // A changed binary that would leave a trace if anything executed it.
        Files.writeString(
                binary, "#!/bin/sh\ntouch " + ran + "\necho '{\"version\":\"" + deployment.version() + "\"}'\n");
        Report r = doctor("--url", deployment.url());
        assertEquals("fail", r.status("binary-cache"));
        assertTrue(r.detail("binary-cache").contains("fails verification"), r.detail("binary-cache"));
        assertTrue(!Files.exists(ran), "an unverified binary must never be executed");
    }

    @Test
    void aCachedBinaryOthersCanWriteIsUntrusted() throws Exception {
        Path binary = cacheTheDeploymentsBinary();
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxrwxrwx"));
        Report r = doctor("--url", deployment.url());
        assertEquals("fail", r.status("binary-cache"));
        assertTrue(
                r.detail("binary-cache").contains("writable by group or others; the helper will not run it"),
                r.detail("binary-cache"));
    }

    @Test
    void aMissingOrFakeTunDeviceFails() throws Exception {
        tun = dir.resolve("no-such-tun");
        Report missing = doctor();
        assertEquals("fail", missing.status("tun-device"));
        assertEquals(tun + " does not exist", missing.detail("tun-device"));
        assertTrue(missing.fix("tun-device").contains("modprobe tun"), missing.fix("tun-device"));
        tun = Files.writeString(dir.resolve("plain-file"), "");
        Report plain = doctor();
        assertEquals(tun + " is not a character device", plain.detail("tun-device"));
    }

    @Test
    void theServiceManagersViewWarnsWhenAbsentAndFailsWhenTheServiceIsDown() throws Exception {
        services = new ServiceHost(Os.LINUX, systemctl("active", "enabled"), dir.resolve("no-systemd"));
        Report noSystemd = doctor();
        assertEquals("warn", noSystemd.status("service-manager"));
        assertTrue(
                noSystemd.detail("service-manager").contains("systemd not running"),
                noSystemd.detail("service-manager"));

        services = new ServiceHost(
                Os.LINUX, systemctl("inactive", "not-found"), Files.createDirectories(dir.resolve("systemd")));
        Report notInstalled = doctor();
        assertEquals("warn", notInstalled.status("service-manager"));
        assertEquals("tunnel-helper install", notInstalled.fix("service-manager"));

        services = new ServiceHost(
                Os.LINUX, systemctl("failed", "enabled"), Files.createDirectories(dir.resolve("systemd")));
        Report down = doctor();
        assertEquals("fail", down.status("service-manager"));
        assertTrue(down.detail("service-manager").contains("state failed"), down.detail("service-manager"));
        assertTrue(
                down.fix("service-manager").startsWith("systemctl status tunnel-helper.service"),
                down.fix("service-manager"));
    }

    @Test
    void anUnreachableOrTooOldDeploymentFails() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Report unreachable = doctor("--url", "http://127.0.0.1:" + closedPort);
        assertEquals("fail", unreachable.status("deployment"));
        assertTrue(
                unreachable.detail("deployment").contains("cannot fetch build info"), unreachable.detail("deployment"));
        Files.writeString(paths.config(), "{\"minimumVersion\": \"99.0.0\"}");
        Report old = doctor("--url", deployment.url());
        assertEquals("fail", old.status("deployment"));
        assertTrue(
                old.detail("deployment").contains("below the minimum supported version 99.0.0"),
                old.detail("deployment"));
        assertTrue(old.fix("deployment").contains("minimumVersion"), old.fix("deployment"));
    }

    @Test
    void withoutJsonEachCheckIsOneLineAndAFixLine() throws Exception {
        CommandLine cl = Cli.prepare(new CommandLine(new DoctorCommand(services, dir.resolve("no-such-tun"))));
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        int code = cl.execute(
                "--state-dir",
                state.toString(),
                "--ed25519-key",
                deployment.publicKeyPath().toString());
        assertEquals(1, code);
        String text = out.toString();
        assertTrue(text.contains("ok    app-endpoint        " + paths.appSocket() + " answers: IDLE"), text);
        assertTrue(
                text.contains("fail  tun-device          " + dir.resolve("no-such-tun") + " does not exist\n"), text);
        assertTrue(text.matches("(?s).*\\n {25} fix: load the tun module.*"), text);
    }
}
