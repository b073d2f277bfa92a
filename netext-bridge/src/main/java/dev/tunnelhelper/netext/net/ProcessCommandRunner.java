package dev.tunnelhelper.netext.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs tools as child processes, with a time limit so a hung tool cannot hang the tunnel's start. */
public final class ProcessCommandRunner implements CommandRunner {
    private static final Logger log = LoggerFactory.getLogger(ProcessCommandRunner.class);
    private final Duration limit;

    public ProcessCommandRunner(Duration limit) {
        this.limit = limit;
    }

    public ProcessCommandRunner() {
        this(Duration.ofSeconds(15));
    }

    @Override
    public CommandResult run(List<String> argv) {
        log.debug("running {}", String.join(" ", argv));
        Process p;
        try {
            p = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            return new CommandResult(argv, 127, "", "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        try {
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new CommandResult(argv, 124, "", "timed out after " + limit.toSeconds() + " s");
            }
            return new CommandResult(argv, p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(argv, 130, "", "interrupted");
        } catch (IOException e) {
            p.destroyForcibly();
            return new CommandResult(argv, 1, "", e.getMessage());
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
