package dev.tunnelhelper.helper.binary;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tunnelhelper.shim.ChildProcess;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.Pipe;
import dev.tunnelhelper.shim.SpawnSpec;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs {@code <binary> version --output=json} and returns the {@code version} it prints. Only
 * ever called on a binary that passed signature verification. The child gets a fixed minimal
 * environment, no stdin, no stderr, and no other descriptor; its output and run time are bounded,
 * and it is killed (with its process group) when it overruns.
 */
final class VersionProbe {

    static final int MAX_OUTPUT_BYTES = 64 * 1024;
    private static final String SAFE_PATH = "/usr/bin:/bin";
    private static final Duration KILL_GRACE = Duration.ofMillis(500);

    private final Duration timeout;

    VersionProbe(Duration timeout) {
        this.timeout = timeout;
    }

    String reportedVersion(Path binary) throws VerificationException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] output;
        try (Pipe stdout = Fds.pipe()) {
            ChildProcess child;
            try {
                child = NativeShim.get()
                        .spawn(SpawnSpec.builder(binary)
                                .args("version", "--output=json")
                                .env("PATH", SAFE_PATH)
                                .stdout(stdout.writeEnd().get())
                                .stderr(-1)
                                .build());
            } catch (RuntimeException e) {
                throw new VerificationException("cannot run " + binary.getFileName() + ": " + e.getMessage(), e);
            }
            // Our copy of the write end must go, or the read below never sees end-of-file.
            stdout.writeEnd().close();
            try {
                output = readAll(stdout, deadline);
                Optional<ExitStatus> status = child.waitFor(remaining(deadline));
                if (status.isEmpty()) {
                    throw timedOut();
                }
                if (!status.get().success()) {
                    throw new VerificationException(
                            "'" + binary.getFileName() + " version --output=json' ended with " + status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new VerificationException("interrupted while probing the binary's version", e);
            } finally {
                child.terminate(KILL_GRACE);
            }
        }
        return parse(output);
    }

    private byte[] readAll(Pipe stdout, long deadline) throws VerificationException {
        int fd = stdout.readEnd().get();
        ByteArrayOutputStream collected = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        while (true) {
            Duration left = remaining(deadline);
            if (left.isZero() || !Fds.waitReadable(fd, left)) {
                throw timedOut();
            }
            int n = Fds.read(fd, chunk, 0, chunk.length);
            if (n == 0) {
                return collected.toByteArray();
            }
            if (collected.size() + n > MAX_OUTPUT_BYTES) {
                throw new VerificationException("the version output exceeds " + MAX_OUTPUT_BYTES + " bytes");
            }
            collected.write(chunk, 0, n);
        }
    }

    private VerificationException timedOut() {
        return new VerificationException(
                "the binary did not answer 'version --output=json' within " + timeout.toMillis() + " ms");
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static String parse(byte[] output) throws VerificationException {
        Optional<String> version;
        try {
            version = JsonVersion.read(output);
        } catch (JsonProcessingException e) {
            throw new VerificationException("the version output is not JSON");
        } catch (JsonVersion.NotAnObjectException e) {
            throw new VerificationException("the version output is not a JSON object");
        }
        if (version.isEmpty() || version.get().isBlank()) {
            throw new VerificationException("the version output has no \"version\" string");
        }
        return version.get();
    }
}
