package dev.tunnelhelper.helper.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real child process whose stdout and stderr go to files the test can read while it runs. */
final class Launched implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path out;
    private final Path err;

    private Launched(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static Launched start(String name, Path logDir, List<String> argv, Path stdinFile) throws IOException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        ProcessBuilder pb =
                new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdinFile != null) {
            pb.redirectInput(stdinFile.toFile());
        }
        return new Launched(name, pb.start(), out, err);
    }

    String out() {
        return read(out);
    }

    String err() {
        return read(err);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until stdout satisfies {@code condition}; fails with both outputs if the process dies or time runs out. */
    void awaitOut(Predicate<String> condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(out())) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before " + what + "\nstdout:\n"
                        + out() + "\nstderr:\n" + err());
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "timed out waiting for " + what + " from " + name + "\nstdout:\n" + out() + "\nstderr:\n" + err());
    }

    int awaitExit(Duration limit) throws InterruptedException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(
                    name + " still running after " + limit + "\nstdout:\n" + out() + "\nstderr:\n" + err());
        }
        return process.exitValue();
    }

    void signal(String signal) throws IOException, InterruptedException {
        // The shell's built-in kill: Java itself can send only SIGTERM and SIGKILL, and a kill binary may not be
        // installed.
        int rc = new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + process.pid())
                .inheritIO()
                .start()
                .waitFor();
        if (rc != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
