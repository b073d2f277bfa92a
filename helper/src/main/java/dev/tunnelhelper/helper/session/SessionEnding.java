package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.helper.session.SessionPhase.FAILED;
import static dev.tunnelhelper.helper.session.SessionPhase.HANDSHAKING;
import static dev.tunnelhelper.helper.session.SessionPhase.IDLE;
import static dev.tunnelhelper.helper.session.SessionPhase.RUNNING;
import static dev.tunnelhelper.helper.session.SessionPhase.STARTING;
import static dev.tunnelhelper.helper.session.SessionPhase.STOPPING;

import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.RpcTimeoutException;
import dev.tunnelhelper.protocol.SpeakerClosedException;
import dev.tunnelhelper.protocol.TruncatedFrameException;
import dev.tunnelhelper.shim.ExitStatus;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way a run ends: a failure in any start step, the tunnel exiting or breaking the
 * protocol, a stop. Ending is two steps: STOPPING or FAILED at once, with whatever still runs
 * for the run interrupted or terminated; IDLE once nothing does ({@link #settle}), and only then
 * are the extension and the waiting stops told.
 */
final class SessionEnding {
    private static final Logger log = LoggerFactory.getLogger(SessionEnding.class);

    private final SessionContext session;
    private final SessionWork work;
    private final SessionSettings settings;

    SessionEnding(SessionContext session, SessionWork work, SessionSettings settings) {
        this.session = session;
        this.work = work;
        this.settings = settings;
    }

    void acquisitionFailed(String reason) {
        session.run.acquisition = null;
        failUnlessStopping(reason);
    }

    void spawnFailed(String reason) {
        session.run.spawning = false;
        failUnlessStopping("spawning the tunnel: " + reason);
    }

    void handshakeFailed(HandshakeException error) {
        if (session.phase != HANDSHAKING) {
            return;
        }
        if (error.reason() == HandshakeException.Reason.ENDED) {
            awaitExit(error.getMessage()); // the tunnel most likely exited: its status says more than the pipe
        } else {
            fail(step() + error.getMessage());
        }
    }

    /** A start step threw (a bug): the run fails like any other, and its start learns that it was the helper's fault. */
    void stepBroke(SessionPhase step, RuntimeException bug) {
        SessionRun run = session.run;
        log.atError()
                .setMessage("session start step failed unexpectedly")
                .addKeyValue("session", run.id)
                .addKeyValue("step", step)
                .setCause(bug)
                .log();
        if (step.acquiring()) {
            run.acquisition = null;
        } else if (session.phase != HANDSHAKING) {
            return; // the handshake was abandoned already
        }
        if (session.phase != STOPPING) {
            run.fault = bug;
        }
        failUnlessStopping("the helper failed while " + session.phase + "; its log says why");
    }

    void startUnanswered(IOException error) {
        if (session.phase != STARTING || error instanceof SpeakerClosedException) {
            return; // a closed speaker is reported by its close (protocolBroke)
        }
        fail(
                error instanceof RpcTimeoutException
                        ? "starting the tunnel: no StartResponse within "
                                + settings.startTimeout().toMillis() + " ms"
                        : "starting the tunnel: " + error.getMessage());
    }

    /** The tunnel's speaker closed: {@code cause} null for end of stream. */
    void protocolBroke(Throwable cause) {
        if (session.phase != STARTING && session.phase != RUNNING) {
            return; // after StopResponse the tunnel closes its pipe; that is how a stop goes
        }
        if (cause == null) {
            awaitExit("the tunnel closed its pipe but is still running");
        } else if (cause instanceof TruncatedFrameException) {
            // A pipe that ends inside a frame is what a tunnel dying mid-message leaves: its exit
            // status says why, the half frame does not.
            awaitExit("tunnel protocol error: " + cause.getMessage());
        } else {
            fail(step() + "tunnel protocol error: " + cause.getMessage());
        }
    }

    /**
     * The child exited. During a start or while running, what the protocol saw decides the
     * message: our own close of the pipes (a handshake timeout, a protocol error) comes first and
     * names the cause; an ended pipe is explained by this exit status.
     */
    void tunnelExited(ExitStatus status) {
        SessionRun run = session.run;
        run.exit = status;
        session.emit(l -> l.childExited(run.tunnel.pid(), status));
        if (!session.talking()) {
            settle();
        } else if (run.pendingExit != null) {
            fail(run.pendingExit.step() + exited(status)); // the pipe ended first: this is why
        } else if (session.phase != HANDSHAKING) {
            // The speaker's close follows as the pipe ends; if it does not, the exit is the news.
            run.pendingExit = new SessionRun.PendingExit(
                    step(), exited(status), work.after(settings.killGrace(), new SessionEvent.ExitOverdue(run)));
        } // while handshaking, the handshake's own outcome follows within its timeout, and decides
    }

    /**
     * The tunnel answered the StopRequest (or did not in time): it exits by itself within the grace, or is terminated.
     * A child whose exit came first (while running, before its pipe ended) leaves nothing to wait
     * for: the run ends here, or nothing would ever end it (the stop cancelled the pending exit).
     */
    void stopAnswered() {
        if (session.phase != STOPPING) {
            return;
        }
        if (session.run.childAlive()) {
            work.after(settings.killGrace(), new SessionEvent.ExitOverdue(session.run));
        } else {
            settle();
        }
    }

    /** A grace ran out: after a StopResponse the child is terminated; otherwise the pending failure is reported. */
    void exitOverdue() {
        SessionRun run = session.run;
        if (session.phase == STOPPING) {
            if (run.childAlive()) {
                work.terminate(run.tunnel);
            }
        } else if (run.pendingExit != null && session.talking()) {
            fail(run.pendingExit.step() + run.pendingExit.reason());
        }
    }

    /** {@code requester} null is the helper itself. Completes {@code idle} once the session is IDLE. */
    void stop(ExtensionLink requester, CompletableFuture<Void> idle) {
        SessionRun run = session.run;
        if (run == null) {
            idle.complete(null);
            return;
        }
        run.idleWaiters.add(idle);
        run.ownerEndedIt |= requester == run.owner;
        if (session.phase == STOPPING || session.phase == FAILED) {
            return; // already ending; this stop waits for the same IDLE
        }
        log.atInfo()
                .setMessage("stopping session")
                .addKeyValue("session", run.id)
                .addKeyValue("phase", session.phase)
                .addKeyValue("requester", requester == null ? "the helper" : requester.describe())
                .log();
        boolean wasRunning = session.phase == RUNNING;
        cancelPendingExit();
        session.enter(STOPPING);
        if (wasRunning) {
            work.stop(run, run.speaker); // StopRequest; the tunnel exits after its StopResponse
        } else {
            abandon();
            settle();
        }
    }

    void fail(String reason) {
        session.lastError = reason;
        log.atError()
                .setMessage("session failed")
                .addKeyValue("session", session.run.id)
                .addKeyValue("phase", session.phase)
                .addKeyValue("reason", reason)
                .log();
        cancelPendingExit();
        session.enter(FAILED);
        abandon();
        settle();
    }

    /**
     * STOPPING or FAILED: once nothing runs any more for this run, the session is IDLE, and only
     * then are the extension and the stops told, so whoever hears it may start again at once.
     */
    void settle() {
        SessionRun ended = session.run;
        if (!ended.settled()) {
            return;
        }
        boolean failed = session.phase == FAILED;
        closeTun();
        work.release(ended.speaker, ended.tunnel);
        session.run = null;
        session.enter(IDLE);
        if (!ended.reachedRunning) {
            ended.started.completeExceptionally(
                    ended.fault != null
                            ? ended.fault
                            : new SessionFailure(failed ? session.lastError : SessionFailure.STOPPED));
        } else if (failed || !ended.ownerEndedIt) {
            // A provider that is up hears why it ends, unless it asked itself.
            work.cancelProvider(ended.owner, failed ? session.lastError : "");
        }
        ended.idleWaiters.forEach(f -> f.complete(null));
    }

    void closeTun() {
        SessionRun run = session.run;
        if (run.tun != null) {
            run.tun.close();
            run.tun = null;
        }
    }

    private void failUnlessStopping(String reason) {
        if (session.phase == STOPPING) {
            log.atDebug()
                    .setMessage("abandoned start step ended")
                    .addKeyValue("outcome", reason)
                    .log();
            settle();
        } else {
            fail(reason);
        }
    }

    /** Ends whatever still runs for this run: the acquisition is interrupted, the child terminated. */
    private void abandon() {
        SessionRun run = session.run;
        if (run.acquisition != null) {
            run.acquisition.cancel(true);
        }
        if (run.childAlive()) {
            work.terminate(run.tunnel);
        }
    }

    /** The tunnel's pipe ended: its exit status names the cause better than the pipe, so wait a grace for it. */
    private void awaitExit(String otherwise) {
        SessionRun run = session.run;
        if (run.exit != null) {
            fail(step() + exited(run.exit));
        } else if (run.pendingExit == null) {
            run.pendingExit = new SessionRun.PendingExit(
                    step(), otherwise, work.after(settings.killGrace(), new SessionEvent.ExitOverdue(run)));
        }
    }

    private static String exited(ExitStatus status) {
        return "tunnel exited: " + status;
    }

    private void cancelPendingExit() {
        SessionRun run = session.run;
        if (run.pendingExit != null) {
            run.pendingExit.timer().cancel(false);
            run.pendingExit = null;
        }
    }

    /** The error message's prefix in the current phase: the start step, or nothing once running. */
    private String step() {
        return switch (session.phase) {
            case HANDSHAKING -> "handshake with the tunnel: ";
            case STARTING -> "starting the tunnel: ";
            default -> "";
        };
    }
}
