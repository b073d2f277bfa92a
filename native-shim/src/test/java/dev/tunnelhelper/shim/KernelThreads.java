package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A thread of this JVM as the Linux kernel counts it, found by its name in /proc/self/task (the
 * JVM gives a thread's name to the kernel, cut to 15 bytes): what tests of "waits without waking
 * up" observe.
 */
final class KernelThreads {
    private KernelThreads() {}

    /** The voluntary context switches of the one thread called {@code name} (15 characters at most). */
    static long voluntarySwitches(String name) throws IOException {
        assertTrue(name.length() <= 15, "the kernel keeps 15 bytes of a thread's name: " + name);
        Path found = null;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).trim().equals(name)) {
                    assertEquals(null, found, "two threads called " + name);
                    found = task;
                }
            }
        }
        assertTrue(found != null, "no thread called " + name);
        for (String line : Files.readAllLines(found.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("no context switches in " + found.resolve("status"));
    }
}
