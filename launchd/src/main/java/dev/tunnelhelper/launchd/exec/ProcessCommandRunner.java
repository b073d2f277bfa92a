package dev.tunnelhelper.launchd.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a real process with stdin closed, stdout and stderr merged, and a hard timeout. */
public final class ProcessCommandRunner implements CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(ProcessCommandRunner.class);
    // launchctl/systemctl normally answer in well under a second; enable --now waits for start-up.
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);
    private static final int MAX_OUTPUT = 64 * 1024;

    private final Duration timeout;

    public ProcessCommandRunner() {
        this(DEFAULT_TIMEOUT);
    }

    public ProcessCommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public CommandResult run(List<String> command) throws CommandException {
        log.debug("running {}", command);
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new CommandException("cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        }
        // Read concurrently: a chatty command would otherwise block on a full pipe and look hung.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readBounded(process.getInputStream()));
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            String text = output.get(5, TimeUnit.SECONDS);
            CommandResult result = new CommandResult(command, finished ? process.exitValue() : -1, text, !finished);
            log.debug("{} -> {}", command, finished ? result.exitCode() : "timeout");
            return result;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while running `" + String.join(" ", command) + "`", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandException("cannot read the output of `" + String.join(" ", command) + "`", e);
        }
    }

    private static String readBounded(InputStream in) {
        try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) >= 0) {
                if (buffer.size() < MAX_OUTPUT) {
                    buffer.write(chunk, 0, Math.min(n, MAX_OUTPUT - buffer.size()));
                }
            }
            return buffer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
