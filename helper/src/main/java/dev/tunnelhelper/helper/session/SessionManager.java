package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionRequest;
import dev.tunnelhelper.helper.binary.BinaryAcquirer;
import dev.tunnelhelper.helper.binary.OperatorHeader;
import dev.tunnelhelper.helper.binary.ProgressListener;
import dev.tunnelhelper.helper.tunnel.TunnelLogRelay;
import dev.tunnelhelper.helper.tunnel.TunnelProcess;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.RpcTimeoutException;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.vpn.GetPeerUpdate;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StopRequest;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.protocol.vpn.WakeRequest;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session state machine (docs/architecture.md): IDLE → FETCHING_INFO → DOWNLOADING →
 * VALIDATING → SPAWNING → HANDSHAKING → STARTING → RUNNING → STOPPING → IDLE, with FAILED reachable
 * from every non-idle state and back to IDLE after cleanup. One session at a time.
 *
 * <p>Every transition is logged with structured fields and pushed to app subscribers.
 */
public final class SessionManager {
    private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

    private final SessionSettings settings;
    private final BinaryAcquirer acquirer;
    private final AppBroadcast apps;
    private final AtomicInteger sessionIds = new AtomicInteger();

    private final Object lock = new Object();
    private SessionState state = SessionState.SESSION_STATE_IDLE;
    private String lastError = "";
    private Session current;

    public SessionManager(SessionSettings settings, BinaryAcquirer acquirer, AppBroadcast apps) {
        this.settings = settings;
        this.acquirer = acquirer;
        this.apps = apps;
        apps.status(status());
    }

    /**
     * Starts a session; the future completes with the reply for the extension once the tunnel
     * runs or the start failed. A second start while one is active fails at once, with no side effects.
     */
    public CompletableFuture<Result> start(StartDaemon request, OwnedFd tun, ExtensionLink owner) {
        Session session;
        synchronized (lock) {
            if (current != null) {
                tun.close();
                return CompletableFuture.completedFuture(failure("already running: a session is " + stateName(state)
                        + "; stop it first"));
            }
            session = new Session(sessionIds.incrementAndGet(), request, tun, owner);
            current = session;
            lastError = "";
        }
        Thread thread = new Thread(session::run, "session-" + session.id);
        thread.setDaemon(true);
        thread.start();
        return session.started;
    }

    /** Stops the session, if any; {@code requester} null means the helper itself (shutdown). Blocks until idle. */
    public Result stop(ExtensionLink requester) {
        Session session;
        synchronized (lock) {
            session = current;
        }
        if (session != null) {
            session.stop(requester, "stop requested by " + (requester == null ? "the helper" : requester.describe()));
        }
        return Result.newBuilder().setSuccess(true).build();
    }

    /** The extension that owns the session went away: the extension owns the tunnel's lifetime. */
    public void extensionDisconnected(ExtensionLink link) {
        Session session;
        synchronized (lock) {
            session = current;
        }
        if (session != null && session.owner == link) {
            log.atInfo().setMessage("owning network extension disconnected; stopping the session")
                    .addKeyValue("session", session.id).log();
            session.stop(link, "network extension disconnected");
        }
    }

    public HelperStatus status() {
        synchronized (lock) {
            HelperStatus.Builder b = HelperStatus.newBuilder()
                    .setState(state)
                    .setErrorMessage(lastError)
                    .setHelperVersion(settings.helperVersion());
            if (current != null) {
                b.setSignatureValidationDisabled(current.signatureValidationDisabled)
                        .setTunnelProtocolVersion(current.protocolVersion)
                        .setAccessUrl(current.request.getAccessUrl())
                        .setServerVersion(current.serverVersion);
            }
            return b.build();
        }
    }

    /** The tunnel's full peer state (a GetPeerUpdate RPC), or empty when no tunnel runs. */
    public PeerUpdate peerState() throws IOException {
        Session session = running();
        if (session == null) {
            return PeerUpdate.getDefaultInstance();
        }
        TunnelMessage reply = session.speaker.call(ManagerMessage.newBuilder().setGetPeerUpdate(GetPeerUpdate.getDefaultInstance()).build(),
                settings.rpcTimeout());
        return reply.getPeerUpdate();
    }

    /** Forwards a system wake to the tunnel when its protocol has WakeRequest (>= 1.3). */
    public Result wake() {
        Session session = running();
        if (session == null) {
            return failure("no tunnel is running");
        }
        if (!session.speaker.version().supportsWake()) {
            String why = "tunnel protocol " + session.speaker.version() + " predates WakeRequest (needs 1.3); not sent";
            log.info(why);
            return failure(why);
        }
        try {
            session.speaker.call(ManagerMessage.newBuilder().setWake(WakeRequest.getDefaultInstance()).build(), settings.rpcTimeout());
            return Result.newBuilder().setSuccess(true).build();
        } catch (IOException e) {
            return failure("wake failed: " + e.getMessage());
        }
    }

    private Session running() {
        synchronized (lock) {
            return current != null && state == SessionState.SESSION_STATE_RUNNING ? current : null;
        }
    }

    private void transition(Session session, SessionState next, String error) {
        HelperStatus snapshot;
        synchronized (lock) {
            if (current != session) {
                return;
            }
            SessionState previous = state;
            state = next;
            if (error != null) {
                lastError = error;
            }
            snapshot = status();
            log.atInfo().setMessage("session state").addKeyValue("session", session.id).addKeyValue("from", stateName(previous))
                    .addKeyValue("to", stateName(next)).addKeyValue("error", error == null ? "" : error).log();
        }
        apps.status(snapshot);
    }

    private void finish(Session session) {
        HelperStatus snapshot;
        synchronized (lock) {
            if (current != session) {
                return;
            }
            current = null;
            state = SessionState.SESSION_STATE_IDLE;
            snapshot = status();
            log.atInfo().setMessage("session state").addKeyValue("session", session.id).addKeyValue("to", "IDLE").log();
        }
        apps.clearPeers();
        apps.status(snapshot);
    }

    static String stateName(SessionState s) {
        return s.name().replace("SESSION_STATE_", "");
    }

    private static Result failure(String message) {
        return Result.newBuilder().setSuccess(false).setErrorMessage(message).build();
    }

    /** One start-to-stop run of the tunnel. */
    private final class Session {
        final int id;
        final StartDaemon request;
        final OwnedFd tun;
        final ExtensionLink owner;
        final CompletableFuture<Result> started = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicBoolean gone = new AtomicBoolean();
        volatile TunnelProcess process;
        volatile Speaker<ManagerMessage, TunnelMessage> speaker;
        volatile boolean signatureValidationDisabled;
        volatile String protocolVersion = "";
        volatile String serverVersion = "";

        Session(int id, StartDaemon request, OwnedFd tun, ExtensionLink owner) {
            this.id = id;
            this.request = request;
            this.tun = tun;
            this.owner = owner;
        }

        void run() {
            try {
                AcquiredBinary binary = acquire();
                if (stopping.get()) {
                    throw new SessionFailure("starting the tunnel", "stopped before the tunnel was running", null);
                }
                step(SessionState.SESSION_STATE_SPAWNING);
                apps.progress(Progress.newBuilder().setStage(ProgressStage.PROGRESS_STAGE_STARTING_TUNNEL).build());
                try {
                    process = TunnelProcess.spawn(binary.path(), tun.get());
                } catch (RuntimeException e) {
                    throw new SessionFailure("spawning the tunnel", e.getMessage(), e);
                } finally {
                    tun.close(); // the child holds its own copy now
                }
                process.exit().thenRun(() -> tunnelGone(null));
                step(SessionState.SESSION_STATE_HANDSHAKING);
                try {
                    speaker = process.connect(settings.handshakeTimeout(), this::onTunnelMessage);
                } catch (HandshakeException e) {
                    throw new SessionFailure("handshake with the tunnel", e.getMessage(), e);
                } catch (IOException e) {
                    throw new SessionFailure("handshake with the tunnel", e.getMessage(), e);
                }
                protocolVersion = speaker.version().toString();
                speaker.closeFuture().thenAccept(this::tunnelGone);
                step(SessionState.SESSION_STATE_STARTING);
                TunnelMessage reply;
                try {
                    reply = speaker.call(ManagerMessage.newBuilder().setStart(startRequest()).build(), settings.startTimeout());
                } catch (RpcTimeoutException e) {
                    throw new SessionFailure("starting the tunnel", "no StartResponse within " + settings.startTimeout().toMillis() + " ms", e);
                } catch (IOException e) {
                    throw new SessionFailure("starting the tunnel", goneReason(e), e);
                }
                if (!reply.getStart().getSuccess()) {
                    throw new SessionFailure("starting the tunnel", "the tunnel refused: " + reply.getStart().getErrorMessage(), null);
                }
                if (stopping.get() || gone.get()) {
                    throw new SessionFailure("starting the tunnel", "stopped before the tunnel was running", null);
                }
                step(SessionState.SESSION_STATE_RUNNING);
                started.complete(Result.newBuilder().setSuccess(true).build());
            } catch (SessionFailure e) {
                // A stop during the start kills the child; that is the cause worth reporting.
                fail(stopping.get() ? "stopped before the tunnel was running" : e.getMessage());
            } catch (RuntimeException e) {
                log.error("session {} failed unexpectedly", id, e);
                fail("internal error: " + e);
            }
        }

        private AcquiredBinary acquire() throws SessionFailure {
            step(SessionState.SESSION_STATE_FETCHING_INFO);
            ProgressListener progress = new ProgressListener() {
                @Override
                public void onProgress(long written, long total) {
                    apps.progress(Progress.newBuilder().setStage(ProgressStage.PROGRESS_STAGE_DOWNLOADING)
                            .setBytesWritten(written).setBytesTotal(Math.max(0, total)).build());
                }

                @Override
                public void onStage(Stage stage) {
                    switch (stage) {
                        case FETCHING_INFO -> apps.progress(Progress.newBuilder().setStage(ProgressStage.PROGRESS_STAGE_FETCHING_INFO).build());
                        case DOWNLOADING -> step(SessionState.SESSION_STATE_DOWNLOADING);
                        case VALIDATING -> {
                            step(SessionState.SESSION_STATE_VALIDATING);
                            apps.progress(Progress.newBuilder().setStage(ProgressStage.PROGRESS_STAGE_VALIDATING).build());
                        }
                    }
                }
            };
            List<OperatorHeader> headers = request.getHeadersList().stream()
                    .map(h -> new OperatorHeader(h.getName(), h.getValue())).toList();
            try {
                AcquiredBinary binary = acquirer.acquire(new AcquisitionRequest(request.getAccessUrl(), headers, progress,
                        request.getDangerousDisableSignatureValidation()));
                signatureValidationDisabled = binary.signatureValidationDisabled();
                serverVersion = binary.serverVersion();
                return binary;
            } catch (AcquisitionException e) {
                throw new SessionFailure(stepName(e.step()), e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                throw new SessionFailure("fetching build info", e.getMessage(), e);
            }
        }

        private StartRequest startRequest() {
            StartRequest.Builder b = StartRequest.newBuilder()
                    .setTunnelFileDescriptor(TunnelProcess.CHILD_TUN_FD)
                    .setCoderUrl(request.getAccessUrl())
                    .setApiToken(request.getToken())
                    .addAllHeaders(request.getHeadersList())
                    .setDeviceId(request.getDeviceId().isEmpty() ? settings.deviceId() : request.getDeviceId())
                    .setDeviceOs(request.getDeviceOs().isEmpty() ? settings.deviceOs() : request.getDeviceOs())
                    .setCoderDesktopVersion(settings.helperVersion());
            return b.build();
        }

        private void onTunnelMessage(Incoming<ManagerMessage, TunnelMessage> incoming) throws IOException {
            TunnelMessage message = incoming.message();
            switch (message.getMsgCase()) {
                case NETWORK_SETTINGS -> {
                    if (!incoming.isRequest()) {
                        log.warn("ignoring network settings sent without a request id");
                        return;
                    }
                    NetworkSettingsResponse answer;
                    try {
                        answer = owner.applyNetworkSettings(message.getNetworkSettings());
                    } catch (IOException e) {
                        answer = NetworkSettingsResponse.newBuilder().setSuccess(false)
                                .setErrorMessage("the network extension did not answer: " + e.getMessage()).build();
                    }
                    log.atInfo().setMessage("network settings relayed").addKeyValue("session", id)
                            .addKeyValue("success", answer.getSuccess()).addKeyValue("error", PeerText.of(answer.getErrorMessage())).log();
                    incoming.reply(ManagerMessage.newBuilder().setNetworkSettings(answer).build());
                }
                case LOG -> TunnelLogRelay.relay(message.getLog());
                case PEER_UPDATE -> {
                    if (incoming.isRequest()) {
                        log.warn("tunnel sent a peer update as a request; treating it as a delta");
                    }
                    apps.peers(message.getPeerUpdate());
                }
                default -> log.warn("unexpected {} from the tunnel{}", message.getMsgCase(), incoming.isRequest() ? " request" : "");
            }
        }

        /** The child exited or the protocol broke (speaker closed). Runs at most once. */
        private void tunnelGone(Throwable protocolError) {
            if (stopping.get() || !gone.compareAndSet(false, true)) {
                return;
            }
            Thread t = new Thread(() -> {
                String reason = goneReason(protocolError);
                boolean wasRunning;
                synchronized (lock) {
                    wasRunning = current == this && state == SessionState.SESSION_STATE_RUNNING;
                }
                if (!wasRunning) {
                    return; // during start, the start path reports it
                }
                log.atError().setMessage("tunnel gone while running").addKeyValue("session", id).addKeyValue("reason", reason).log();
                owner.cancelProvider(reason);
                fail(reason);
            }, "session-" + id + "-gone");
            t.setDaemon(true);
            t.start();
        }

        private String goneReason(Throwable error) {
            if (error instanceof dev.tunnelhelper.protocol.SpeakerClosedException closed && closed.getCause() != null) {
                return "tunnel protocol error: " + closed.getCause().getMessage();
            }
            if (error != null && !(error instanceof dev.tunnelhelper.protocol.SpeakerClosedException)) {
                return "tunnel protocol error: " + error.getMessage();
            }
            TunnelProcess p = process;
            if (p == null) {
                return "the tunnel went away";
            }
            try {
                ExitStatus status = p.exit().get(500, TimeUnit.MILLISECONDS);
                return "tunnel exited: " + status;
            } catch (TimeoutException e) {
                return "the tunnel closed its pipe but is still running";
            } catch (Exception e) {
                return "the tunnel went away";
            }
        }

        void stop(ExtensionLink requester, String why) {
            if (!stopping.compareAndSet(false, true)) {
                ended.join();
                return;
            }
            log.atInfo().setMessage("stopping session").addKeyValue("session", id).addKeyValue("why", why).log();
            boolean running;
            synchronized (lock) {
                running = state == SessionState.SESSION_STATE_RUNNING;
            }
            if (running) {
                transition(this, SessionState.SESSION_STATE_STOPPING, null);
                Speaker<ManagerMessage, TunnelMessage> s = speaker;
                try {
                    TunnelMessage reply = s.call(ManagerMessage.newBuilder().setStop(StopRequest.getDefaultInstance()).build(), settings.stopTimeout());
                    if (!reply.getStop().getSuccess()) {
                        log.warn("tunnel reported an unclean stop: {}", reply.getStop().getErrorMessage());
                    }
                } catch (IOException e) {
                    log.warn("tunnel did not confirm the stop: {}", e.getMessage());
                }
            }
            TunnelProcess p = process;
            if (p != null) {
                try {
                    // After a StopResponse the tunnel exits by itself; during a start there is nothing to wait for.
                    ExitStatus status = p.exit().get(running ? settings.killGrace().toMillis() : 0, TimeUnit.MILLISECONDS);
                    log.atInfo().setMessage("tunnel exited").addKeyValue("session", id).addKeyValue("status", status).log();
                } catch (Exception notYet) {
                    ExitStatus status = p.terminate(settings.killGrace());
                    log.atInfo().setMessage("tunnel terminated").addKeyValue("session", id).addKeyValue("status", status).log();
                }
            }
            if (!running) {
                // A start still in flight (acquisition cannot be interrupted) fails with "stopped";
                // wait for it so the helper is idle when stop returns.
                try {
                    ended.get(settings.startTimeout().toMillis() + settings.killGrace().toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    log.warn("session {} did not wind down in time: {}", id, e.toString());
                }
            }
            cleanup();
            if (requester != owner) {
                owner.cancelProvider("");
            }
            started.complete(failure("stopped before the tunnel was running"));
            finish(this);
            ended.complete(null);
        }

        private void fail(String reason) {
            log.atError().setMessage("session failed").addKeyValue("session", id).addKeyValue("reason", reason).log();
            transition(this, SessionState.SESSION_STATE_FAILED, reason);
            cleanup();
            started.complete(failure(reason));
            synchronized (lock) {
                if (current == this) {
                    lastError = reason;
                }
            }
            if (!stopping.get()) {
                finish(this);
            }
            ended.complete(null);
        }

        private void cleanup() {
            tun.close();
            Speaker<ManagerMessage, TunnelMessage> s = speaker;
            if (s != null) {
                s.close();
            }
            TunnelProcess p = process;
            if (p != null && !p.exit().isDone()) {
                ExitStatus status = p.terminate(settings.killGrace());
                log.atInfo().setMessage("tunnel terminated").addKeyValue("session", id).addKeyValue("status", status).log();
            }
        }

        private void step(SessionState next) {
            transition(this, next, null);
        }
    }

    private static String stepName(AcquisitionException.Step step) {
        return switch (step) {
            case FETCH_INFO -> "fetching build info";
            case MINIMUM_VERSION -> "checking the minimum version";
            case DOWNLOAD -> "downloading the tunnel binary";
            case SIGNATURE -> "verifying the binary's signature";
            case VERSION_CHECK -> "checking the binary's version";
            case STORAGE -> "storing the binary";
        };
    }
}
