package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionPhase.FETCHING_INFO;
import static dev.tunnelhelper.helper.session.SessionPhase.HANDSHAKING;
import static dev.tunnelhelper.helper.session.SessionPhase.RUNNING;
import static dev.tunnelhelper.helper.session.SessionPhase.SPAWNING;
import static dev.tunnelhelper.helper.session.SessionPhase.STARTING;
import static dev.tunnelhelper.helper.session.SessionPhase.STOPPING;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.helper.tunnel.TunnelLogRelay;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.PeerText;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A start, top to bottom: fetch info → download → validate (the acquirer, which reports each
 * phase) → spawn → handshake (both already under way when the acquirer found a copy it had
 * verified: {@link PreparedTunnel}) → {@code StartRequest} → the tunnel's network settings relayed to
 * the extension and its answer back → {@code StartResponse} → RUNNING. Each step is the outcome
 * of the one before, handled on the session thread; whatever goes wrong goes to {@link SessionEnding}.
 */
final class StartSequence {
    private static final Logger log = LoggerFactory.getLogger(StartSequence.class);

    private final SessionContext session;
    private final SessionWork work;
    private final SessionEnding ending;
    private final StartRequests startRequests;

    StartSequence(SessionContext session, SessionWork work, SessionEnding ending, StartRequests startRequests) {
        this.session = session;
        this.work = work;
        this.ending = ending;
        this.startRequests = startRequests;
    }

    void start(SessionEvent.Start e) {
        if (session.shuttingDown || session.run != null) {
            e.tun().close();
            e.started()
                    .completeExceptionally(
                            session.shuttingDown
                                    ? new SessionRefusedException(
                                            ErrorCode.SHUTTING_DOWN, "the helper is shutting down")
                                    : new SessionRefusedException(
                                            ErrorCode.ALREADY_RUNNING,
                                            "a session is " + session.phase + "; stop it first"));
            return;
        }
        SessionRun run = new SessionRun(++session.runs, e.params(), e.tun(), e.owner(), e.started());
        session.run = run;
        session.lastError = "";
        log.atInfo()
                .setMessage("session starting")
                .addKeyValue("session", run.id)
                .addKeyValue("owner", e.owner().describe())
                .addKeyValue("request", e.params())
                .log();
        session.enter(FETCHING_INFO);
        run.acquisition = work.acquire(run, run.tun.get());
    }

    /** FETCHING_INFO → DOWNLOADING → VALIDATING, as the acquirer reports them. */
    void phaseStarted(AcquisitionPhase acquisitionPhase) {
        session.emit(l -> l.acquisitionPhase(acquisitionPhase));
        SessionPhase next = SessionPhase.of(acquisitionPhase);
        if (session.phase.acquiring() && next != session.phase) {
            session.enter(next);
        }
    }

    void downloaded(long bytesWritten, long totalBytes) {
        if (session.phase == SessionPhase.DOWNLOADING) {
            session.emit(l -> l.downloadProgress(bytesWritten, totalBytes));
        }
    }

    /** {@code prepared}: the child already runs this binary; its spawn and handshake are reported next. */
    void acquired(AcquiredBinary binary, boolean prepared) {
        SessionRun run = session.run;
        run.acquisition = null;
        run.binary = binary;
        run.prepared = prepared;
        run.spawning = prepared; // a stop waits for the prepared child, and terminates it once it hears of it
        if (session.phase == STOPPING) {
            ending.settle();
            return;
        }
        session.enter(SPAWNING);
        if (!prepared) {
            run.spawning = true;
            work.spawn(run, binary.path(), run.tun.get());
        }
    }

    void spawned(RunningTunnel tunnel) {
        SessionRun run = session.run;
        run.spawning = false;
        run.tunnel = tunnel;
        ending.closeTun(); // the child holds its own copy now
        session.emit(l -> l.childSpawned(tunnel.pid()));
        if (session.phase == STOPPING) {
            work.terminate(tunnel);
        } else {
            session.enter(HANDSHAKING);
            if (!run.prepared) {
                work.handshake(run, tunnel);
            }
        }
    }

    void connected(Speaker<ManagerMessage, TunnelFrame> speaker) {
        if (session.phase != HANDSHAKING) {
            work.release(speaker, null); // a stop or failure came first
            return;
        }
        SessionRun run = session.run;
        run.speaker = speaker;
        session.enter(STARTING);
        work.start(run, speaker, startRequests.of(run.params));
    }

    /** Settings requests go on to the extension, peer deltas to the listeners (the apps), logs to the log. */
    void fromTunnel(Incoming<ManagerMessage, TunnelFrame> in, CompletableFuture<Void> handled) {
        try {
            TunnelFrame message = in.message();
            if (!session.talking()) {
                log.atDebug()
                        .setMessage("tunnel message after the session ended")
                        .addKeyValue("kind", message.getMsgCase())
                        .log();
                return;
            }
            switch (message.getMsgCase()) {
                case NETWORK_SETTINGS -> {
                    if (!in.isRequest()) {
                        log.warn("ignoring network settings sent without a request id");
                        return;
                    }
                    work.relaySettings(session.run, in);
                }
                case LOG -> TunnelLogRelay.relay(message.getLog());
                case PEER_UPDATE -> {
                    if (in.isRequest()) {
                        log.warn("tunnel sent a peer update as a request; treating it as a delta");
                    }
                }
                default -> {
                    log.warn("unexpected {} from the tunnel{}", message.getMsgCase(), in.isRequest() ? " request" : "");
                    return;
                }
            }
            session.emit(l -> l.messageRelayed(message));
        } finally {
            handled.complete(null);
        }
    }

    /** The extension's answer goes back to the tunnel, unless the run stopped or failed meanwhile. */
    void settingsAnswered(Incoming<ManagerMessage, TunnelFrame> request, NetworkSettingsResponse answer) {
        log.atInfo()
                .setMessage("network settings relayed")
                .addKeyValue("session", session.run.id)
                .addKeyValue("success", answer.getSuccess())
                .addKeyValue("error", PeerText.of(answer.getErrorMessage()))
                .log();
        if (session.talking()) {
            work.reply(
                    request,
                    ManagerMessage.newBuilder().setNetworkSettings(answer).build());
        }
    }

    void startAnswered(TunnelFrame reply) {
        if (session.phase != STARTING) {
            return; // a stop or failure came first
        }
        if (reply.getMsgCase() != TunnelFrame.MsgCase.START) {
            ending.fail(
                    "starting the tunnel: the tunnel answered " + reply.getMsgCase() + " instead of a StartResponse");
        } else if (!reply.getStart().getSuccess()) {
            // The tunnel's own words: escaped and capped, as every peer's text (a Jazzer finding).
            ending.fail("starting the tunnel: the tunnel refused: "
                    + PeerText.of(reply.getStart().getErrorMessage()));
        } else {
            session.run.reachedRunning = true;
            session.enter(RUNNING);
            session.run.started.complete(null);
        }
    }
}
