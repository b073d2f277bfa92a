package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's state, confined to the session thread: the phase, the current run, the last
 * failure, and who listens. Every transition goes through {@link #enter}, which publishes it.
 */
final class SessionContext {
    private static final Logger log = LoggerFactory.getLogger(SessionContext.class);

    private final List<SessionEventListener> listeners = new ArrayList<>();
    SessionPhase phase = SessionPhase.IDLE;
    /** The last failure's reason; cleared by the next start, kept by a stop. */
    String lastError = "";
    /** The run from start to IDLE; null exactly when IDLE. */
    SessionRun run;

    int runs;
    /** Set by the helper's shutdown: no start is taken any more. */
    boolean shuttingDown;
    /** The one piece of state other threads read: see {@link #publish}. */
    private volatile PeerQueryTarget peerQueries = PeerQueryTarget.IDLE;

    void listen(SessionEventListener listener) {
        listeners.add(listener);
        listener.stateChanged(status());
    }

    /** Whether the tunnel's messages still count: from the handshake until a stop or failure. */
    boolean talking() {
        return phase == SessionPhase.HANDSHAKING || phase == SessionPhase.STARTING || phase == SessionPhase.RUNNING;
    }

    SessionStatus status() {
        if (run == null) {
            return SessionStatus.idle(lastError);
        }
        AcquiredBinary binary = run.binary;
        return new SessionStatus(
                phase,
                lastError,
                binary != null && binary.signatureValidationDisabled(),
                run.speaker == null ? "" : run.speaker.version().toString(),
                run.params.accessUrl(),
                binary == null ? "" : binary.serverVersion());
    }

    void enter(SessionPhase next) {
        log.atInfo()
                .setMessage("session state")
                .addKeyValue("session", runs)
                .addKeyValue("from", phase)
                .addKeyValue("to", next)
                .addKeyValue("error", next == SessionPhase.FAILED ? lastError : "")
                .log();
        phase = next;
        SessionStatus published = status();
        publish();
        emit(l -> l.stateChanged(published));
    }

    /**
     * Publishes what a peer-state query needs, for threads other than this one to read without a
     * trip through the session thread and its workers (three thread wake-ups on every
     * GetPeerState's path: docs/performance.md, "GetPeerState's thread hand-offs"). Called at
     * every transition, before listeners hear of it, and after every event (TunnelSession), so a
     * query sees what the last event left.
     */
    void publish() {
        peerQueries = new PeerQueryTarget(status(), phase == SessionPhase.RUNNING ? run.speaker : null);
    }

    PeerQueryTarget peerQueries() {
        return peerQueries;
    }

    /** Tells every listener, in registration order; one that throws is logged and skipped. */
    void emit(Consumer<SessionEventListener> event) {
        for (SessionEventListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.atError()
                        .setMessage("session listener failed")
                        .addKeyValue("listener", l.getClass().getName())
                        .setCause(e)
                        .log();
            }
        }
    }
}
