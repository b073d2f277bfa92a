package dev.tunnelhelper.testbed.tunnel;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.TunnelProtocol;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.shim.ChildProcess;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.Pipe;
import dev.tunnelhelper.shim.SpawnSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Plays the manager against a real reference-tunnel process: spawns its launcher with the two
 * RPC pipes on fds 3 and 4 (and a TUN fd on 5 when given), exactly as the helper does.
 */
final class TunnelHarness implements AutoCloseable {
    static final int READ_FD = 3;
    static final int WRITE_FD = 4;
    static final int TUN_FD = 5;

    final ChildProcess child;
    final InputStream fromTunnel;
    final OutputStream toTunnel;
    // Appended by the stderr reader thread, read by the test thread: a thread-safe buffer.
    @SuppressWarnings("JdkObsolete")
    final StringBuffer stderr = new StringBuffer();
    /** One-way messages from the tunnel, by kind, so waiting for one kind never loses another. */
    final java.util.Map<TunnelMessage.MsgCase, BlockingQueue<TunnelMessage>> oneWay =
            new java.util.concurrent.ConcurrentHashMap<>();

    final BlockingQueue<TunnelMessage> settingsRequests = new LinkedBlockingQueue<>();
    volatile NetworkSettingsResponse settingsAnswer =
            NetworkSettingsResponse.newBuilder().setSuccess(true).build();

    private TunnelHarness(ChildProcess child, InputStream fromTunnel, OutputStream toTunnel) {
        this.child = child;
        this.fromTunnel = fromTunnel;
        this.toTunnel = toTunnel;
    }

    static TunnelHarness spawn(Path dir, TunnelSettings settings, Integer tunFd) throws IOException {
        Path launcher = TunnelLauncher.write(
                dir.resolve("coder-" + settings.fault().kind().name().toLowerCase(java.util.Locale.ROOT)), settings);
        Pipe managerToTunnel = Fds.pipe();
        Pipe tunnelToManager = Fds.pipe();
        Pipe errors = Fds.pipe();
        SpawnSpec.Builder spec = SpawnSpec.builder(launcher)
                .args(
                        "vpn-daemon",
                        "run",
                        "--rpc-read-fd",
                        Integer.toString(READ_FD),
                        "--rpc-write-fd",
                        Integer.toString(WRITE_FD))
                .env("PATH", "/usr/bin:/bin")
                .mapFd(READ_FD, managerToTunnel.readEnd().get())
                .mapFd(WRITE_FD, tunnelToManager.writeEnd().get())
                .stderr(errors.writeEnd().get());
        if (tunFd != null) {
            spec.mapFd(TUN_FD, tunFd);
        }
        ChildProcess child = NativeShim.get().spawn(spec.build());
        managerToTunnel.readEnd().close();
        tunnelToManager.writeEnd().close();
        errors.writeEnd().close();
        TunnelHarness harness = new TunnelHarness(
                child, Fds.inputStream(tunnelToManager.readEnd()), Fds.outputStream(managerToTunnel.writeEnd()));
        InputStream err = Fds.inputStream(errors.readEnd());
        NamedThreads.start("tunnel-stderr", () -> {
            byte[] buf = new byte[4096];
            try (err) {
                int n;
                while ((n = err.read(buf)) > 0) {
                    harness.stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // child gone
            }
        });
        return harness;
    }

    /** Handshake as manager; network-settings requests are answered with {@link #settingsAnswer}. */
    Speaker<ManagerMessage, TunnelMessage> connect(Duration handshakeTimeout) throws IOException {
        TunnelProtocol protocol =
                new TunnelProtocol(TunnelProtocol.CURRENT_VERSIONS, handshakeTimeout, new FrameCodec());
        return protocol.connectAsManager(fromTunnel, toTunnel, this::closeStreams, this::onMessage);
    }

    private void onMessage(Incoming<ManagerMessage, TunnelMessage> in) throws IOException {
        if (in.isRequest() && in.message().hasNetworkSettings()) {
            settingsRequests.add(in.message());
            in.reply(ManagerMessage.newBuilder()
                    .setNetworkSettings(settingsAnswer)
                    .build());
        } else {
            queue(in.message().getMsgCase()).add(in.message());
        }
    }

    private BlockingQueue<TunnelMessage> queue(TunnelMessage.MsgCase kind) {
        return oneWay.computeIfAbsent(kind, k -> new LinkedBlockingQueue<>());
    }

    /** The next one-way message of the given kind. */
    TunnelMessage next(TunnelMessage.MsgCase kind, Duration timeout) throws InterruptedException {
        TunnelMessage m = queue(kind).poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (m == null) {
            throw new AssertionError("no " + kind + " message within " + timeout + "; tunnel stderr:\n" + stderr);
        }
        return m;
    }

    ExitStatus awaitExit(Duration timeout) throws InterruptedException {
        return child.waitFor(timeout)
                .orElseThrow(
                        () -> new AssertionError("tunnel still running after " + timeout + "; stderr:\n" + stderr));
    }

    void closeStreams() throws IOException {
        try {
            toTunnel.close();
        } finally {
            fromTunnel.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeStreams();
        child.terminate(Duration.ofSeconds(2));
    }
}
