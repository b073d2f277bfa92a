package dev.tunnelhelper.shim.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Java processes for the roles of a simulated Mac (daemon, extension, app), each started with its
 * own signed runtime ({@code SimulatedCodeSigning.javaRuntime}) on this test JVM's class path.
 */
public final class RoleJvms {
    private RoleJvms() {}

    /** Short-lived JVMs: start-up matters more than peak speed. */
    public static List<String> jvmOptions() {
        return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto");
    }

    /** The test class path (Surefire's, not its booter jar's). */
    public static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /**
     * A launchd {@code Program}: {@code exec}s {@code java} (so the daemon process is that signed
     * executable) with {@code mainClass}, the job's arguments, then {@code trailingArgs}.
     */
    public static Path launcher(Path file, Path java, String mainClass, String... trailingArgs) throws IOException {
        StringBuilder script = new StringBuilder("#!/bin/sh\nexec ")
                .append(quote(java.toString()))
                .append(' ')
                .append(String.join(" ", jvmOptions()))
                .append(" -cp ")
                .append(quote(classpath()))
                .append(' ')
                .append(mainClass)
                .append(" \"$@\"");
        for (String arg : trailingArgs) {
            script.append(' ').append(quote(arg));
        }
        Files.writeString(file, script.append('\n').toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** What {@code p} printed, once it exited; one still running after {@code seconds} is killed and fails the test. */
    public static String outputOnceExited(Process p, int seconds) throws IOException, InterruptedException {
        boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!exited) {
                throw new AssertionError("process did not exit within " + seconds + " s; its output: " + out);
            }
            return out;
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
