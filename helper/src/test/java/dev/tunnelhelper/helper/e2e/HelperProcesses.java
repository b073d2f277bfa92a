package dev.tunnelhelper.helper.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code tunnel-helper} as operators run it: a JVM of its own on this module's classpath, with
 * the production logging configuration. Every process started is killed and reaped on close,
 * so a failing assertion never leaves a daemon behind.
 */
final class HelperProcesses implements AutoCloseable {
    private final Path dir;
    private final List<Process> started = new ArrayList<>();

    HelperProcesses(Path dir) {
        this.dir = dir;
    }

    /** How a finished process ended and what it printed (stdout and stderr together). */
    record Finished(int exit, String output) {}

    /** Starts {@code tunnel-helper ARGS}, its output going to a file in the test's directory. */
    Process start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** The same, with a shell prefix such as {@code ulimit -n 200;} applied to the JVM. */
    Process start(List<String> shellPrefix, String... args) throws IOException {
        List<String> java = command(args);
        List<String> command = java;
        if (!shellPrefix.isEmpty()) {
            command = new ArrayList<>(List.of("/bin/sh", "-c", String.join(" ", shellPrefix) + " exec \"$0\" \"$@\""));
            command.addAll(java);
        }
        Path out = dir.resolve("helper-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        started.add(p);
        return p;
    }

    /** Runs {@code tunnel-helper ARGS} to completion; one still running after a minute is a failure, not a hang. */
    Finished run(String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("run-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(command(args))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        started.add(p);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    "tunnel-helper " + String.join(" ", args) + " did not finish: " + Files.readString(out));
        }
        return new Finished(p.exitValue(), Files.readString(out));
    }

    private static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tunnelhelper.helper.HelperMain"));
        command.addAll(List.of(args));
        return command;
    }

    /** Waits until {@code socket} exists (the helper listens), failing if the process exits first. */
    static void awaitSocket(Path socket, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(socket)) {
            if (!p.isAlive()) {
                throw new AssertionError("helper exited early with " + p.exitValue());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("helper never listened on " + socket);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
