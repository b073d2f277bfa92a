package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.TunnelProtocol;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.shim.ChildProcess;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.Pipe;
import dev.tunnelhelper.shim.SpawnSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running tunnel binary: spawned with exactly stdin {@code /dev/null}, stdout/stderr into a
 * pipe the helper logs, the two RPC pipes and the TUN fd; a scrubbed environment; its own session.
 * The API token never appears here: it travels later, inside {@code StartRequest}, over the pipe.
 */
public final class TunnelProcess implements RunningTunnel {
    /** Fixed child fd numbers: stdio, then the manager→tunnel pipe, tunnel→manager pipe, TUN device. */
    public static final int CHILD_READ_FD = 3;

    public static final int CHILD_WRITE_FD = 4;
    public static final int CHILD_TUN_FD = 5;
    /** The whole environment the tunnel gets: nothing of the helper's leaks into it. */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG", "C.UTF-8",
            "HOME", "/var/empty");

    private static final int MAX_LOG_LINE = 4096;
    private static final Duration REAPER_SLICE = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(TunnelProcess.class);
    private static final Logger childOutput = LoggerFactory.getLogger("tunnel.output");

    private final ChildProcess child;
    private final InputStream fromTunnel;
    private final OutputStream toTunnel;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();

    private TunnelProcess(ChildProcess child, InputStream fromTunnel, OutputStream toTunnel) {
        this.child = child;
        this.fromTunnel = fromTunnel;
        this.toTunnel = toTunnel;
    }

    /** Spawns {@code binary vpn-daemon run --rpc-read-fd 3 --rpc-write-fd 4} with {@code tunFd} as fd 5 (a {@link TunnelLauncher}). */
    public static TunnelProcess spawn(Path binary, int tunFd) {
        try (Pipe managerToTunnel = Fds.pipe();
                Pipe tunnelToManager = Fds.pipe();
                Pipe output = Fds.pipe()) {
            SpawnSpec spec = SpawnSpec.builder(binary)
                    .args(
                            "vpn-daemon",
                            "run",
                            "--rpc-read-fd",
                            Integer.toString(CHILD_READ_FD),
                            "--rpc-write-fd",
                            Integer.toString(CHILD_WRITE_FD))
                    .env(ENVIRONMENT)
                    .mapFd(CHILD_READ_FD, managerToTunnel.readEnd().get())
                    .mapFd(CHILD_WRITE_FD, tunnelToManager.writeEnd().get())
                    .mapFd(CHILD_TUN_FD, tunFd)
                    .stdout(output.writeEnd().get())
                    .stderr(output.writeEnd().get())
                    .build();
            ChildProcess child = NativeShim.get().spawn(spec);
            log.atInfo()
                    .setMessage("tunnel spawned")
                    .addKeyValue("pid", child.pid())
                    .addKeyValue("binary", binary)
                    .log();
            // Our ends move into streams that own them; the child's ends close with the try block.
            TunnelProcess process = new TunnelProcess(
                    child,
                    Fds.inputStream(OwnedFd.adopt(tunnelToManager.readEnd().release())),
                    Fds.outputStream(OwnedFd.adopt(managerToTunnel.writeEnd().release())));
            process.logOutput(Fds.inputStream(OwnedFd.adopt(output.readEnd().release())));
            process.reapInBackground();
            return process;
        }
    }

    @Override
    public int pid() {
        return child.pid();
    }

    @Override
    public Speaker<ManagerMessage, TunnelFrame> connect(
            Duration handshakeTimeout, Speaker.Handler<ManagerMessage, TunnelFrame> handler) throws IOException {
        TunnelProtocol protocol =
                new TunnelProtocol(TunnelProtocol.CURRENT_VERSIONS, handshakeTimeout, new FrameCodec());
        return protocol.connectAsRelay(fromTunnel, toTunnel, this::closePipes, handler);
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    /** SIGTERM to the child's process group, SIGKILL after {@code grace}, then reaped. */
    @Override
    public ExitStatus terminate(Duration grace) {
        ExitStatus status = child.terminate(grace);
        exit.complete(status);
        return status;
    }

    @Override
    public void close() {
        closePipes();
    }

    private void closePipes() {
        try {
            toTunnel.close();
        } catch (IOException e) {
            log.debug("closing pipe to tunnel", e);
        }
        try {
            fromTunnel.close();
        } catch (IOException e) {
            log.debug("closing pipe from tunnel", e);
        }
    }

    /**
     * Waits on the kernel's exit notification for the child (ChildProcess.awaitExit), so a crash
     * is noticed at once and a running tunnel costs the helper no wakeups: polling waitpid every
     * 20 ms cost some 300 wakeups and 1 % of a CPU per second for as long as a tunnel ran
     * (docs/performance.md, stop 32). The wait is in slices of {@link #REAPER_SLICE}, after which
     * it looks whether {@link #terminate} has ended the child meanwhile.
     */
    private void reapInBackground() {
        NamedThreads.run("tunnel-reaper-" + child.pid(), () -> {
            try {
                while (!exit.isDone()) {
                    if (!child.awaitExit(REAPER_SLICE)) {
                        continue;
                    }
                    child.waitFor(Duration.ZERO).ifPresent(status -> {
                        log.atInfo()
                                .setMessage("tunnel process exited")
                                .addKeyValue("pid", child.pid())
                                .addKeyValue("status", status)
                                .log();
                        exit.complete(status);
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // terminate() reaped it concurrently: the exit future is completed there.
                log.debug("reaper stopped: {}", e.toString());
            }
        });
    }

    private void logOutput(InputStream output) {
        NamedThreads.run("tunnel-output-" + child.pid(), () -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    childOutput
                            .atInfo()
                            .setMessage(line.length() > MAX_LOG_LINE ? line.substring(0, MAX_LOG_LINE) + "…" : line)
                            .addKeyValue("pid", child.pid())
                            .log();
                }
            } catch (IOException e) {
                log.debug("tunnel output ended: {}", e.toString());
            }
        });
    }
}
