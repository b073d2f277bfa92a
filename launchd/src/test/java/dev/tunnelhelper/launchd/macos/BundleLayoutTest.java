package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.exec.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleLayoutTest {
    @TempDir
    Path tmp;

    @Test
    void laysOutLauncherRuntimeAndPlistAndTheLauncherStartsTheBundledJava() throws Exception {
        Path runtime = fakeRuntime();
        Path jar = Files.writeString(tmp.resolve("helper-0.1.0.jar"), "jar");
        Path bundle = tmp.resolve("Example App.app");
        LaunchdSettings settings = LaunchdSettings.of("ABCDE12345", "com.example.App");
        BundleLayout layout = new BundleLayout(bundle, "tunnel-helper");
        LaunchDaemonPlist plist = new LaunchDaemonPlist(settings, layout.bundleProgram(), "/etc/th.json");

        layout.build(runtime, List.of(jar), plist);

        Path java = bundle.resolve("Contents/Resources/runtime/bin/java");
        assertEquals("rwxr-xr-x", mode(java));
        assertEquals("rwx------", mode(bundle.resolve("Contents/Resources/runtime/lib/jspawnhelper")));
        assertEquals("rw-r--r--", mode(bundle.resolve("Contents/Resources/runtime/lib/modules")));
        assertTrue(Files.isSymbolicLink(bundle.resolve("Contents/Resources/runtime/lib/link")));
        assertTrue(Files.exists(bundle.resolve("Contents/Resources/runtime/app/helper-0.1.0.jar")));
        Path launcher = bundle.resolve("Contents/MacOS/tunnel-helper");
        assertEquals("rwxr-xr-x", mode(launcher));
        PlistValidator.validate(Files.readAllBytes(
                bundle.resolve("Contents/Library/LaunchDaemons/com.example.App.helper.plist")), settings);

        // The fake java echoes its argv: the launcher must exec the bundled runtime with the app classpath.
        CommandResult run = new ProcessCommandRunner().run(List.of(launcher.toString(), "run", "--config", "/x y"));
        assertEquals(0, run.exitCode(), run.describe());
        String contents = bundle.resolve("Contents").toRealPath().toString();
        assertEquals(String.join("\n", "java:" + contents + "/Resources/runtime/bin/java", "-cp",
                contents + "/Resources/runtime/app/*", BundleLayout.MAIN_CLASS, "run", "--config", "/x y"),
                run.output().strip());
    }

    @Test
    void rebuildingReplacesTheRuntime() throws Exception {
        Path runtime = fakeRuntime();
        Path bundle = tmp.resolve("A.app");
        BundleLayout layout = new BundleLayout(bundle, "th");
        LaunchDaemonPlist plist = new LaunchDaemonPlist(LaunchdSettings.of("ABCDE12345", "com.example.App"),
                layout.bundleProgram(), "/etc/th.json");
        layout.build(runtime, List.of(), plist);
        Files.writeString(bundle.resolve("Contents/Resources/runtime/stale"), "old");
        layout.build(runtime, List.of(), plist);
        assertTrue(Files.notExists(bundle.resolve("Contents/Resources/runtime/stale")));
    }

    @Test
    void refusesANonRuntimeAndAMismatchedPlist() throws Exception {
        BundleLayout layout = new BundleLayout(tmp.resolve("A.app"), "th");
        LaunchdSettings settings = LaunchdSettings.of("ABCDE12345", "com.example.App");
        LaunchDaemonPlist good = new LaunchDaemonPlist(settings, layout.bundleProgram(), "/etc/th.json");
        assertThrows(IOException.class, () -> layout.build(Files.createDirectories(tmp.resolve("empty")), List.of(), good));
        LaunchDaemonPlist other = new LaunchDaemonPlist(settings, DaemonProgram.inBundle("Contents/MacOS/x"), "/etc/th.json");
        assertThrows(IllegalArgumentException.class, () -> layout.build(fakeRuntime(), List.of(), other));
    }

    private Path fakeRuntime() throws IOException {
        Path runtime = tmp.resolve("runtime");
        if (Files.exists(runtime)) {
            return runtime;
        }
        Files.createDirectories(runtime.resolve("bin"));
        Files.createDirectories(runtime.resolve("lib"));
        Path java = runtime.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho \"java:$0\"\nfor a in \"$@\"; do echo \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path helper = Files.writeString(runtime.resolve("lib/jspawnhelper"), "x");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path modules = Files.writeString(runtime.resolve("lib/modules"), "m");
        Files.setPosixFilePermissions(modules, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(runtime.resolve("lib/link"), Path.of("modules"));
        return runtime;
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
