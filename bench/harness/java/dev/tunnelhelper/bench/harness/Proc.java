package dev.tunnelhelper.bench.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child process of the suite. Its stdout goes to a file the suite reads ("key value..."
 * lines, the C programs' output format), its stderr to a log file quoted when something fails.
 * Without threads: waiting is polling that file against a deadline, so a child that hangs
 * fails the measurement instead of the suite. A poll reads only what the child wrote since the
 * last one: the suite polls while another process is being measured (the app-client driver's
 * samples), and re-reading the whole growing file every 5 ms took some 7 % of a CPU of the
 * two the measurement runs on.
 */
final class Proc implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(5);

    final String name;
    private final Process process;
    private final Path out;
    private final Path log;
    private final boolean stdinPipe;
    /** The complete lines of {@link #out} read so far, and where reading stopped. */
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private long readUpTo;

    private Proc(String name, Process process, Path out, Path log, boolean stdinPipe) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.log = log;
        this.stdinPipe = stdinPipe;
    }

    /**
     * Starts {@code command}. With {@code stdinPipe} its stdin stays open until {@link #close}, and
     * closing it is how it is asked to stop (the suite's programs that hold something, e.g. a
     * helper or a session); otherwise its stdin is /dev/null and {@link #close} sends SIGTERM.
     */
    static Proc start(Work work, String name, List<String> command, boolean stdinPipe) {
        String unique = work.uniqueName(name);
        Path out = work.file(unique + ".out");
        Path log = work.file(unique + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.root().toFile())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (!stdinPipe) {
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        }
        try {
            return work.register(new Proc(name, pb.start(), out, log, stdinPipe));
        } catch (IOException e) {
            throw new MeasurementException("cannot start " + name + " (" + command.get(0) + "): " + e.getMessage());
        }
    }

    /** Runs {@code command} to completion (exit status 0) and returns its stdout lines. */
    static List<String> run(Work work, String name, List<String> command, Duration timeout) {
        try (Proc p = start(work, name, command, false)) {
            int status = p.waitFor(timeout);
            if (status != 0) {
                throw p.failure("exited with status " + status);
            }
            return p.lines();
        }
    }

    /** Every line the process has written to stdout so far (the last one possibly without its newline yet). */
    List<String> lines() {
        readNewOutput();
        List<String> all = new ArrayList<>(lines);
        if (partialLine.size() > 0) {
            all.add(partialLine.toString(StandardCharsets.UTF_8));
        }
        return all;
    }

    /** Appends what was written since the last call to {@link #lines}; a line without its newline waits. */
    private void readNewOutput() {
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size <= readUpTo) {
                return;
            }
            ByteBuffer added = ByteBuffer.allocate(Math.toIntExact(size - readUpTo));
            while (added.hasRemaining() && channel.read(added, readUpTo + added.position()) > 0) {
                // read until the size seen above
            }
            readUpTo += added.position();
            byte[] bytes = added.array();
            for (int i = 0; i < added.position(); i++) {
                if (bytes[i] == '\n') {
                    lines.add(partialLine.toString(StandardCharsets.UTF_8));
                    partialLine.reset();
                } else {
                    partialLine.write(bytes[i]);
                }
            }
        } catch (NoSuchFileException e) {
            // not created yet
        } catch (IOException e) {
            throw new MeasurementException("cannot read the output of " + name + ": " + e.getMessage());
        }
    }

    /** Waits for a stdout line starting with {@code prefix}; fails if the process ends first. */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int scanned = 0; // each poll looks at the lines that are new since the last
        for (;;) {
            readNewOutput();
            for (; scanned < lines.size(); scanned++) {
                if (lines.get(scanned).startsWith(prefix)) {
                    return lines.get(scanned);
                }
            }
            if (!process.isAlive()) {
                throw failure("ended (status " + process.exitValue() + ") before printing \"" + prefix + "\"");
            }
            if (System.nanoTime() > deadline) {
                throw failure("printed no \"" + prefix + "\" within " + timeout.toSeconds() + " s");
            }
            pause(POLL);
        }
    }

    /** Waits for a file this process writes (e.g. a manifest written once it listens). */
    void awaitFile(Path file, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                throw failure("ended (status " + process.exitValue() + ") before writing " + file);
            }
            if (System.nanoTime() > deadline) {
                throw failure("did not write " + file + " within " + timeout.toSeconds() + " s");
            }
            pause(POLL);
        }
    }

    void send(String line) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(line.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw failure("does not take input: " + e.getMessage());
        }
    }

    void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
    }

    int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("did not finish within " + timeout.toSeconds() + " s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        }
    }

    MeasurementException failure(String what) {
        List<String> tail = new ArrayList<>();
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            tail = all.subList(Math.max(0, all.size() - 15), all.size());
        } catch (IOException e) {
            // no log to quote
        }
        return new MeasurementException(name + " " + what + (tail.isEmpty() ? "" : "; its stderr (" + log + ") ends with:\n    "
                + String.join("\n    ", tail)));
    }

    /** Asks it to stop (stdin closed, or SIGTERM), waits, and kills it if it does not. */
    @Override
    public void close() {
        try {
            if (stdinPipe) {
                closeStdin();
                if (process.waitFor(30, TimeUnit.SECONDS)) {
                    return;
                }
            }
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MeasurementException("interrupted");
        }
    }
}
