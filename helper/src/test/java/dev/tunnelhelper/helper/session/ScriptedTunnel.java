package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.TunnelProtocol;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.Log;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StartResponse;
import dev.tunnelhelper.protocol.vpn.StopResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.WakeResponse;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.Pipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tunnel that runs in the test's process and speaks the real CoderVPN protocol over two real
 * pipes, following a {@link Script}: the session under test drives it exactly as it drives a
 * child, and the test sees what it was sent and decides when it answers, breaks or dies.
 */
public final class ScriptedTunnel implements RunningTunnel {
    public enum Hello {
        NORMAL,
        SILENT,
        GARBAGE,
        EXIT
    }

    /**
     * CLOSE_PIPE: closes its write pipe and hangs, alive, until killed. HOSTILE: hands the
     * StartRequest to the launcher's {@link Hostile}, which writes what it likes.
     */
    public enum OnStart {
        SETTINGS_THEN_ANSWER,
        ANSWER,
        REFUSE,
        HOLD,
        GARBAGE_FRAME,
        CLOSE_PIPE,
        HOSTILE,
        EXIT
    }

    /** A hostile or buggy tunnel's answer to a StartRequest: any bytes on its pipe, then any way of ending. */
    @FunctionalInterface
    public interface Hostile {
        void onStart(ScriptedTunnel tunnel, long startMsgId) throws IOException;
    }

    public enum OnStop {
        ANSWER_AND_EXIT,
        HOLD,
        EXIT
    }

    /**
     * How the tunnel behaves. {@code ignoresSigterm}: only SIGKILL ends it; {@code answersQueries}:
     * whether it answers GetPeerUpdate and WakeRequest.
     */
    public record Script(Hello hello, OnStart onStart, OnStop onStop, boolean ignoresSigterm, boolean answersQueries) {
        public static Script normal() {
            return new Script(Hello.NORMAL, OnStart.SETTINGS_THEN_ANSWER, OnStop.ANSWER_AND_EXIT, false, true);
        }

        public Script hello(Hello h) {
            return new Script(h, onStart, onStop, ignoresSigterm, answersQueries);
        }

        public Script onStart(OnStart s) {
            return new Script(hello, s, onStop, ignoresSigterm, answersQueries);
        }

        public Script onStop(OnStop s) {
            return new Script(hello, onStart, s, ignoresSigterm, answersQueries);
        }

        public Script ignoringSigterm() {
            return new Script(hello, onStart, onStop, true, answersQueries);
        }

        public Script silentOnQueries() {
            return new Script(hello, onStart, onStop, ignoresSigterm, false);
        }
    }

    public static final NetworkSettingsRequest SETTINGS = NetworkSettingsRequest.newBuilder()
            .setMtu(1280)
            .setIpv4Settings(NetworkSettingsRequest.IPv4Settings.newBuilder()
                    .addAddrs("100.99.0.1")
                    .addSubnetMasks("255.255.255.255"))
            .build();
    /** What GetPeerUpdate answers. */
    public static final PeerUpdate FULL_STATE = PeerUpdate.newBuilder()
            .addUpsertedWorkspaces(dev.tunnelhelper.protocol.vpn.Workspace.newBuilder()
                    .setId(com.google.protobuf.ByteString.copyFrom(new byte[16]))
                    .setName("ws"))
            .build();
    /** The exit code of a crash (in a start, or during a stop). */
    public static final int CRASH = 3;
    /** The exit code of a tunnel that exits before its handshake line. */
    public static final int EXIT_IN_HELLO = 7;

    private static final AtomicInteger PIDS = new AtomicInteger(40_000);

    private final int pid = PIDS.incrementAndGet();
    private final Script script;
    private final Hostile hostile;
    private final InputStream fromTunnel;
    private final OutputStream toTunnel;
    private final InputStream fromManager;
    private final OutputStream toManager;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();
    /**
     * The speaker once {@code connectAsTunnel} has returned it: its dispatcher can hand us the
     * manager's StartRequest before then, and the answer needs the speaker.
     */
    private final CompletableFuture<Speaker<TunnelMessage, ManagerMessage>> connected = new CompletableFuture<>();

    private volatile Incoming<TunnelMessage, ManagerMessage> heldStart;
    private volatile boolean hangs;
    /** The StartRequest, as the session sent it. */
    public final CompletableFuture<StartRequest> startReceived = new CompletableFuture<>();
    /** Completes once the tunnel has read the manager's handshake line. */
    public final CompletableFuture<Void> handshaken = new CompletableFuture<>();
    /** The session's answer to the settings request, as the tunnel received it. */
    public final CompletableFuture<NetworkSettingsResponse> settingsAnswered = new CompletableFuture<>();

    public final CompletableFuture<Void> stopReceived = new CompletableFuture<>();
    /** Whether the session sent SIGTERM/SIGKILL (terminate) rather than letting it exit. */
    public volatile boolean terminated;
    /** Completes when the session starts terminating the child. */
    public final CompletableFuture<Void> terminating = new CompletableFuture<>();

    private volatile CompletableFuture<Void> dying = CompletableFuture.completedFuture(null);
    public final AtomicInteger stops = new AtomicInteger();
    public final AtomicInteger wakes = new AtomicInteger();
    /** The process holding copies of its pipe ends past its exit, if the launcher made one ({@link ScriptedLauncher#leavingHeirs}). */
    public final PipeHeir heir;

    ScriptedTunnel(Script script, Hostile hostile, boolean leavesHeir) {
        this.script = script;
        this.hostile = hostile;
        Pipe managerToTunnel = Fds.pipe();
        Pipe tunnelToManager = Fds.pipe();
        heir = leavesHeir
                ? new PipeHeir(
                        managerToTunnel.readEnd().get(),
                        tunnelToManager.writeEnd().get())
                : null;
        fromTunnel = Fds.inputStream(OwnedFd.adopt(tunnelToManager.readEnd().release()));
        toTunnel = Fds.outputStream(OwnedFd.adopt(managerToTunnel.writeEnd().release()));
        fromManager = Fds.inputStream(OwnedFd.adopt(managerToTunnel.readEnd().release()));
        toManager = Fds.outputStream(OwnedFd.adopt(tunnelToManager.writeEnd().release()));
        NamedThreads.start("scripted-tunnel-" + pid, this::run);
    }

    // ── the manager's side, as the session uses it ──

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public Speaker<ManagerMessage, TunnelFrame> connect(
            Duration handshakeTimeout, Speaker.Handler<ManagerMessage, TunnelFrame> handler) throws IOException {
        return new TunnelProtocol(TunnelProtocol.CURRENT_VERSIONS, handshakeTimeout, new FrameCodec())
                .connectAsRelay(fromTunnel, toTunnel, this::close, handler);
    }

    @Override
    public CompletableFuture<ExitStatus> exit() {
        return exit;
    }

    @Override
    public ExitStatus terminate(Duration grace) {
        terminated = true;
        terminating.complete(null);
        dying.join();
        die(ExitStatus.killedBy(script.ignoresSigterm() ? 9 : 15));
        return exit.join();
    }

    /** From now on a terminate waits (the child is slow to die) until {@link #finishDying()}. */
    public void slowToDie() {
        dying = new CompletableFuture<>();
    }

    public void finishDying() {
        dying.complete(null);
    }

    @Override
    public void close() {
        closeQuietly(toTunnel);
        closeQuietly(fromTunnel);
    }

    // ── the tunnel's side, and what the test makes it do ──

    /** The tunnel exits with {@code code} now, closing its ends of the pipes. */
    public void exitWith(int code) {
        die(ExitStatus.exited(code));
    }

    /**
     * The tunnel exits with {@code code} while its pipes stay open and it still answers, as when a
     * process it started inherited them: the exit status comes before any end of the pipe.
     */
    public void exitLeavingPipesOpen(int code) {
        exit.complete(ExitStatus.exited(code));
    }

    /** The tunnel is killed by {@code signal} now (by someone else than the session). */
    public void killedBy(int signal) {
        die(ExitStatus.killedBy(signal));
    }

    /** Answers a start held by {@link OnStart#HOLD}. */
    public void answerStart(boolean success, String error) throws IOException {
        heldStart.reply(TunnelMessage.newBuilder()
                .setStart(StartResponse.newBuilder().setSuccess(success).setErrorMessage(error))
                .build());
    }

    /** Closes its write pipe and hangs, alive, until killed. */
    public void closePipeAndHang() {
        hangs = true;
        closeQuietly(toManager);
    }

    /** Bytes on the tunnel's write pipe exactly as given: frames or not. */
    public void sendRaw(byte[] bytes) throws IOException {
        toManager.write(bytes);
    }

    /** A frame whose payload is not a TunnelMessage. */
    public void sendGarbage() throws IOException {
        new FrameCodec().writeFrame(toManager, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    }

    public void send(TunnelMessage message) throws IOException {
        connected.join().send(message);
    }

    public void sendPeers(PeerUpdate update) throws IOException {
        send(TunnelMessage.newBuilder().setPeerUpdate(update).build());
    }

    public void sendLog(String message) throws IOException {
        send(TunnelMessage.newBuilder()
                .setLog(Log.newBuilder()
                        .setLevel(Log.Level.INFO)
                        .setMessage(message)
                        .addLoggerNames("scripted"))
                .build());
    }

    private void run() {
        try {
            switch (script.hello()) {
                case EXIT -> exitWith(EXIT_IN_HELLO);
                case SILENT -> drainThenExit();
                case GARBAGE -> {
                    toManager.write("HTTP/1.1 400 Bad Request\n".getBytes(StandardCharsets.US_ASCII));
                    drainThenExit();
                }
                case NORMAL -> {
                    Speaker<TunnelMessage, ManagerMessage> speaker = new TunnelProtocol()
                            .connectAsTunnel(fromManager, toManager, this::closeTunnelSide, this::handle);
                    connected.complete(speaker);
                    handshaken.complete(null);
                    // A tunnel exits when its read pipe ends; one that closed its write pipe on purpose hangs instead.
                    speaker.closeFuture().thenRun(() -> {
                        if (!hangs) {
                            exitWith(0);
                        }
                    });
                }
            }
        } catch (IOException e) {
            exitWith(1);
        }
    }

    /**
     * A write to the helper that fails because the session closed the pipe already (its stop wait,
     * start timeout or kill grace ran out, as a fuzz target's 20 ms grace does) is what a real
     * tunnel meets too: not an error of the helper's, so not logged as a failed handler.
     */
    private void handle(Incoming<TunnelMessage, ManagerMessage> in) {
        try {
            answer(in);
        } catch (IOException helperStoppedListening) {
            // the session ended the conversation first; what it asserts is on its side
        }
    }

    private void answer(Incoming<TunnelMessage, ManagerMessage> in) throws IOException {
        switch (in.message().getMsgCase()) {
            case START -> start(in);
            case STOP -> {
                stops.incrementAndGet();
                stopReceived.complete(null);
                switch (script.onStop()) {
                    case ANSWER_AND_EXIT -> {
                        try {
                            in.reply(TunnelMessage.newBuilder()
                                    .setStop(StopResponse.newBuilder().setSuccess(true))
                                    .build());
                        } finally {
                            exitWith(0); // answered or not: a tunnel asked to stop exits
                        }
                    }
                    case EXIT -> exitWith(CRASH);
                    case HOLD -> {}
                }
            }
            case GET_PEER_UPDATE -> {
                if (script.answersQueries()) {
                    in.reply(
                            TunnelMessage.newBuilder().setPeerUpdate(FULL_STATE).build());
                }
            }
            case WAKE -> {
                wakes.incrementAndGet();
                if (script.answersQueries()) {
                    in.reply(TunnelMessage.newBuilder()
                            .setWake(WakeResponse.getDefaultInstance())
                            .build());
                }
            }
            default -> {}
        }
    }

    private void start(Incoming<TunnelMessage, ManagerMessage> in) throws IOException {
        if (script.onStart() == OnStart.HOLD) {
            heldStart = in; // before the test hears of the request, so it can answer at once
        }
        startReceived.complete(in.message().getStart());
        switch (script.onStart()) {
            case ANSWER -> replyStart(in, true, "");
            case SETTINGS_THEN_ANSWER -> {
                ManagerMessage answer = connected
                        .join()
                        .call(
                                TunnelMessage.newBuilder()
                                        .setNetworkSettings(SETTINGS)
                                        .build(),
                                Duration.ofSeconds(60));
                settingsAnswered.complete(answer.getNetworkSettings());
                boolean applied = answer.getNetworkSettings().getSuccess();
                replyStart(
                        in,
                        applied,
                        applied
                                ? ""
                                : "network settings failed: "
                                        + answer.getNetworkSettings().getErrorMessage());
            }
            case REFUSE -> replyStart(in, false, "refused by the script");
            case HOLD -> {}
            case GARBAGE_FRAME -> sendGarbage();
            case CLOSE_PIPE -> closePipeAndHang();
            case HOSTILE -> hostile.onStart(this, in.message().getRpc().getMsgId());
            case EXIT -> exitWith(CRASH);
        }
    }

    private static void replyStart(Incoming<TunnelMessage, ManagerMessage> in, boolean ok, String error)
            throws IOException {
        in.reply(TunnelMessage.newBuilder()
                .setStart(StartResponse.newBuilder().setSuccess(ok).setErrorMessage(error))
                .build());
    }

    private void drainThenExit() throws IOException {
        byte[] buf = new byte[4096];
        while (fromManager.read(buf) >= 0) {
            // keeps the manager's writes from blocking until it gives up on us
        }
        exitWith(0);
    }

    /** As a process dies: its pipes close first (the helper may see EOF before the exit), once. */
    private void die(ExitStatus status) {
        if (dead.compareAndSet(false, true)) {
            closeTunnelSide();
            exit.complete(status);
        }
    }

    private void closeTunnelSide() {
        closeQuietly(toManager);
        closeQuietly(fromManager);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
