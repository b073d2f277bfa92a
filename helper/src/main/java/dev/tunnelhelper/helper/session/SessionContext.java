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
        emit(l -> l.stateChanged(published));
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
