package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.NSDictionary;
import com.dd.plist.PropertyListParser;
import dev.tunnelhelper.launchd.DaemonJvmOptions;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.launchd.exec.CommandResult;
import dev.tunnelhelper.launchd.exec.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app-bundle layout: code where codesign expects nested code, data where it seals resources. */
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

        Path home = bundle.resolve("Contents/runtime/Contents/Home");
        assertEquals("rwxr-xr-x", mode(home.resolve("bin/java")));
        assertEquals("rwx------", mode(home.resolve("lib/jspawnhelper")));
        assertEquals("rw-r--r--", mode(home.resolve("lib/modules")));
        assertTrue(Files.isSymbolicLink(home.resolve("lib/link")));
        NSDictionary runtimeInfo = (NSDictionary) PropertyListParser.parse(
                bundle.resolve("Contents/runtime/Contents/Info.plist").toFile());
        assertEquals("BNDL", runtimeInfo.get("CFBundlePackageType").toJavaObject(), "the runtime is a nested bundle");
        assertEquals(
                "com.example.App.runtime", runtimeInfo.get("CFBundleIdentifier").toJavaObject());
        // The image's own jars and the added one are data, next to the runtime, not inside it.
        assertEquals(List.of("dependency-1.0.jar", "helper-0.1.0.jar"), names(bundle.resolve("Contents/app")));
        assertTrue(Files.notExists(home.resolve("app")));
        assertTrue(
                Files.notExists(bundle.resolve("Contents/Resources")),
                "no code (or anything) under Contents/Resources");
        Path launcher = bundle.resolve("Contents/MacOS/tunnel-helper");
        assertEquals("rwxr-xr-x", mode(launcher));
        PlistValidator.validate(
                Files.readAllBytes(bundle.resolve("Contents/Library/LaunchDaemons/com.example.App.helper.plist")),
                settings);

        // The fake java echoes its argv: the launcher must exec the bundled runtime with the daemon's
        // JVM options (the same as bin/tunnel-helper's) and the app classpath.
        CommandResult run = new ProcessCommandRunner().run(List.of(launcher.toString(), "run", "--config", "/x y"));
        assertEquals(0, run.exitCode(), run.describe());
        String contents = bundle.resolve("Contents").toRealPath().toString();
        List<String> argv = new ArrayList<>();
        argv.add("java:" + contents + "/runtime/Contents/Home/bin/java");
        argv.addAll(DaemonJvmOptions.get());
        argv.addAll(List.of("-cp", contents + "/app/*", BundleLayout.MAIN_CLASS, "run", "--config", "/x y"));
        assertEquals(String.join("\n", argv), run.output().strip());
        assertTrue(argv.contains("-XX:+UseSerialGC"), "the options reach the bundled JVM: " + argv);
    }

    @Test
    void rebuildingReplacesTheRuntime() throws Exception {
        Path runtime = fakeRuntime();
        Path bundle = tmp.resolve("A.app");
        BundleLayout layout = new BundleLayout(bundle, "th");
        LaunchDaemonPlist plist = new LaunchDaemonPlist(
                LaunchdSettings.of("ABCDE12345", "com.example.App"), layout.bundleProgram(), "/etc/th.json");
        layout.build(runtime, List.of(), plist);
        Files.writeString(bundle.resolve("Contents/runtime/Contents/Home/stale"), "old");
        Files.writeString(bundle.resolve("Contents/app/stale.jar"), "old");
        layout.build(runtime, List.of(), plist);
        assertTrue(Files.notExists(bundle.resolve("Contents/runtime/Contents/Home/stale")));
        assertTrue(Files.notExists(bundle.resolve("Contents/app/stale.jar")));
    }

    @Test
    void refusesANonRuntimeAndAMismatchedPlist() throws Exception {
        BundleLayout layout = new BundleLayout(tmp.resolve("A.app"), "th");
        LaunchdSettings settings = LaunchdSettings.of("ABCDE12345", "com.example.App");
        LaunchDaemonPlist good = new LaunchDaemonPlist(settings, layout.bundleProgram(), "/etc/th.json");
        assertThrows(
                IOException.class, () -> layout.build(Files.createDirectories(tmp.resolve("empty")), List.of(), good));
        LaunchDaemonPlist other =
                new LaunchDaemonPlist(settings, DaemonProgram.inBundle("Contents/MacOS/x"), "/etc/th.json");
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
        Files.createDirectories(runtime.resolve("app"));
        Files.writeString(runtime.resolve("app/dependency-1.0.jar"), "jar");
        return runtime;
    }

    private static List<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
