package dev.tunnelhelper.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a call of {@code bin/app-client} does before it reaches the helper, in a JVM of its own:
 * the work that docs/performance.md's {@code app-client ping} row counts and that a test in a
 * shared JVM cannot see (there, annotations and searches happened long before).
 */
class AppClientStartTest {
    @TempDir
    Path dir;

    /** Runs AppClientMain on this test's classpath, logging each class the JVM loads or defines. */
    private List<String> loadedClasses(String... args) throws Exception {
        Path log = dir.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                AppClientMain.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.txt").toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "app-client did not exit within 60 s");
        assertEquals(ExitCodes.HELPER_UNAVAILABLE, p.exitValue(), Files.readString(dir.resolve("output.txt")));
        return Files.readAllLines(log);
    }

    @Test
    void aCallReadsNoAnnotations() throws Exception {
        // The JDK generates a proxy class per annotation type the first time one is read: some
        // 40 ms of every call when the commands were declared by annotations (ProgrammaticOptions).
        List<String> proxies = loadedClasses(
                        "ping", "--socket", dir.resolve("nobody.sock").toString())
                .stream()
                .filter(line -> line.contains("__dynamic_proxy__") || line.contains("jdk.proxy"))
                .toList();
        assertEquals(List.of(), proxies);
    }
}
