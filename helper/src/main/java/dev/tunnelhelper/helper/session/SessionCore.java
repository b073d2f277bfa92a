package dev.tunnelhelper.helper.session;

import java.util.concurrent.CompletableFuture;

/**
 * The session state machine (docs/architecture.md, "Session state machine"): each event is
 * handled here, on the session thread, to completion and one at a time; the state lives in a
 * {@link SessionContext} nothing else touches. Blocking work runs in {@link SessionWork} and
 * comes back as another event. An event about a run that already ended only releases what it
 * carries.
 */
final class SessionCore {
    private final SessionContext session = new SessionContext();
    private final SessionWork work;
    private final SessionEnding ending;
    private final StartSequence starts;

    SessionCore(SessionSettings settings, SessionWork work) {
        this.work = work;
        this.ending = new SessionEnding(session, work, settings);
        this.starts = new StartSequence(session, work, ending, new StartRequests(settings));
    }

    /** {@link SessionContext#publish}: for any thread. */
    PeerQueryTarget peerQueries() {
        return session.peerQueries();
    }

    /** After each event: whatever it changed is what the next peer-state query sees. */
    void published() {
        session.publish();
    }

    void handle(SessionEvent event) {
        if (event instanceof SessionEvent.OfRun e) {
            if (e.run() == session.run) {
                handleRun(e);
            } else {
                discard(e);
            }
        } else if (event instanceof SessionEvent.Start e) {
            starts.start(e);
        } else if (event instanceof SessionEvent.Stop e) {
            ending.stop(e.requester(), e.idle());
        } else if (event instanceof SessionEvent.Shutdown e) {
            session.shuttingDown = true;
            ending.stop(null, e.idle());
        } else if (event instanceof SessionEvent.OwnerLeft e) {
            if (session.run != null && session.run.owner == e.link()) {
                ending.stop(e.link(), new CompletableFuture<>());
            }
        } else if (event instanceof SessionEvent.StatusQuery e) {
            e.answer().complete(session.status());
        } else if (event instanceof SessionEvent.WakeQuery e) {
            wake(e.answer());
        } else if (event instanceof SessionEvent.Listen e) {
            session.listen(e.listener());
        }
    }

    /** In the order a start meets them, then what can end a run. */
    private void handleRun(SessionEvent.OfRun event) {
        if (event instanceof SessionEvent.PhaseStarted e) {
            starts.phaseStarted(e.phase());
        } else if (event instanceof SessionEvent.Downloaded e) {
            starts.downloaded(e.bytesWritten(), e.totalBytes());
        } else if (event instanceof SessionEvent.Acquired e) {
            starts.acquired(e.binary(), e.prepared());
        } else if (event instanceof SessionEvent.Spawned e) {
            starts.spawned(e.tunnel());
        } else if (event instanceof SessionEvent.Connected e) {
            starts.connected(e.speaker());
        } else if (event instanceof SessionEvent.FromTunnel e) {
            starts.fromTunnel(e.message(), e.handled());
        } else if (event instanceof SessionEvent.SettingsAnswered e) {
            starts.settingsAnswered(e.request(), e.answer());
        } else if (event instanceof SessionEvent.StartAnswered e) {
            starts.startAnswered(e.reply());
        } else if (event instanceof SessionEvent.AcquisitionFailed e) {
            ending.acquisitionFailed(
                    e.error().step().description() + ": " + e.error().getMessage());
        } else if (event instanceof SessionEvent.SpawnFailed e) {
            ending.spawnFailed(e.reason());
        } else if (event instanceof SessionEvent.HandshakeFailed e) {
            ending.handshakeFailed(e.error());
        } else if (event instanceof SessionEvent.StepBroke e) {
            ending.stepBroke(e.step(), e.bug());
        } else if (event instanceof SessionEvent.StartUnanswered e) {
            ending.startUnanswered(e.error());
        } else if (event instanceof SessionEvent.ProtocolBroke e) {
            ending.protocolBroke(e.cause());
        } else if (event instanceof SessionEvent.TunnelExited e) {
            ending.tunnelExited(e.status());
        } else if (event instanceof SessionEvent.StopAnswered) {
            ending.stopAnswered();
        } else if (event instanceof SessionEvent.ExitOverdue) {
            ending.exitOverdue();
        }
    }

    private void wake(CompletableFuture<Void> answer) {
        if (session.phase != SessionPhase.RUNNING) {
            answer.completeExceptionally(new TunnelUnavailableException("no tunnel is running"));
        } else if (!session.run.speaker.version().supportsWake()) {
            answer.completeExceptionally(new TunnelUnavailableException("tunnel protocol "
                    + session.run.speaker.version() + " predates WakeRequest (needs 1.3); not sent"));
        } else {
            work.wake(session.run.speaker, answer);
        }
    }

    /** An event about a run that already ended: only what it holds needs releasing. */
    private void discard(SessionEvent.OfRun event) {
        if (event instanceof SessionEvent.Connected e) {
            work.release(e.speaker(), null);
        } else if (event instanceof SessionEvent.Spawned e) {
            work.dispose(e.tunnel());
        } else if (event instanceof SessionEvent.FromTunnel e) {
            e.handled().complete(null);
        }
    }
}
