package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.Acquirer;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionListener;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.binary.AcquisitionRequest;
import dev.tunnelhelper.helper.binary.VerifiedCopy;
import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.helper.tunnel.TunnelLauncher;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsResponse;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.protocol.vpn.StopRequest;
import dev.tunnelhelper.protocol.vpn.WakeRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's blocking side effects: each runs on a worker thread and posts its outcome back
 * to the session thread as an event. Nothing here reads or writes session state.
 */
final class SessionWork {
    private static final Logger log = LoggerFactory.getLogger(SessionWork.class);

    private final SessionSettings settings;
    private final Acquirer acquirer;
    private final TunnelLauncher launcher;
    private final ScheduledExecutorService loop;
    private final ExecutorService workers;
    private final Consumer<SessionEvent> post;

    SessionWork(
            SessionSettings settings,
            Acquirer acquirer,
            TunnelLauncher launcher,
            ScheduledExecutorService loop,
            ExecutorService workers,
            Consumer<SessionEvent> post) {
        this.settings = settings;
        this.acquirer = acquirer;
        this.launcher = launcher;
        this.loop = loop;
        this.workers = workers;
        this.post = post;
    }

    /**
     * Acquires the binary. When the acquirer finds a copy this process already verified, that
     * copy is spawned and handshaken meanwhile on {@code tunFd} ({@link PreparedTunnel}), and
     * reported only if the acquisition returns it; the outcome event is posted once the spawn no
     * longer reads {@code tunFd}, so the session keeps its TUN copy open until then.
     */
    Future<?> acquire(SessionRun run, int tunFd) {
        Reporting listener = new Reporting(run, tunFd);
        AcquisitionRequest request = AcquisitionRequest.of(run.params.accessUrl(), run.params.headers())
                .withDisableSignatureValidation(run.params.disableSignatureValidation())
                .withListener(listener);
        return workers.submit(() -> {
            SessionEvent outcome;
            try {
                outcome = new SessionEvent.Acquired(run, acquirer.acquire(request), false);
            } catch (AcquisitionException e) {
                outcome = new SessionEvent.AcquisitionFailed(run, e);
            } catch (RuntimeException e) {
                outcome = new SessionEvent.StepBroke(run, SessionPhase.FETCHING_INFO, e);
            }
            settle(listener.prepared, outcome);
        });
    }

    /** The acquiring worker's decision about a prepared tunnel: adopted only for the very copy it runs. */
    private void settle(PreparedTunnel prepared, SessionEvent outcome) {
        if (prepared == null) {
            post.accept(outcome);
        } else if (outcome instanceof SessionEvent.Acquired acquired && prepared.runs(acquired.binary())) {
            // Posted first, so the session hears of the binary before the child's spawn and handshake.
            post.accept(new SessionEvent.Acquired(acquired.run(), acquired.binary(), true));
            prepared.adopt();
        } else {
            log.atInfo()
                    .setMessage("the verified copy spawned early is stopped unused")
                    .addKeyValue("session", outcome instanceof SessionEvent.OfRun e ? e.run().id : 0)
                    .addKeyValue(
                            "because",
                            outcome instanceof SessionEvent.Acquired acquired
                                    ? "the deployment has another binary (sha256 "
                                            + acquired.binary().sha256() + ")"
                                    : "the acquisition did not confirm it")
                    .log();
            prepared.discard();
            prepared.awaitSpawnReturned();
            post.accept(outcome);
        }
    }

    /** Spawns and handshakes {@code prepared}'s copy, then reports or disposes of the child as decided. */
    private void prepare(SessionRun run, PreparedTunnel prepared, int tunFd) {
        workers.execute(() -> {
            SessionEvent spawn;
            try {
                spawn = spawned(run, prepared.copy().path(), tunFd);
            } finally {
                prepared.spawnReturned();
            }
            SessionEvent handshake = spawn instanceof SessionEvent.Spawned s
                    ? handshaken(run, s.tunnel(), in -> {
                        if (prepared.mayDeliver()) {
                            deliver(run, in);
                        }
                    })
                    : null;
            if (prepared.adopted()) {
                announceSpawn(spawn);
                if (handshake != null) {
                    announceHandshake(handshake);
                }
                prepared.delivering(true);
            } else {
                prepared.delivering(false);
                if (handshake instanceof SessionEvent.Connected c) {
                    c.speaker().close();
                }
                if (spawn instanceof SessionEvent.Spawned s) {
                    s.tunnel().terminate(settings.killGrace());
                    s.tunnel().close();
                }
            }
        });
    }

    /** Reports the acquisition's phases to the session; starts the prepared tunnel when a verified copy is found. */
    private final class Reporting implements AcquisitionListener {
        private final SessionRun run;
        private final int tunFd;
        /** Set on the acquiring thread, read there once the acquisition returns. */
        private PreparedTunnel prepared;

        Reporting(SessionRun run, int tunFd) {
            this.run = run;
            this.tunFd = tunFd;
        }

        @Override
        public void phaseStarted(AcquisitionPhase phase) {
            post.accept(new SessionEvent.PhaseStarted(run, phase));
        }

        @Override
        public void downloaded(long bytesWritten, long totalBytes) {
            post.accept(new SessionEvent.Downloaded(run, bytesWritten, totalBytes));
        }

        @Override
        public void verifiedCopyFound(VerifiedCopy copy) {
            if (prepared == null) {
                log.atDebug()
                        .setMessage("spawning the verified copy while it is re-checked")
                        .addKeyValue("session", run.id)
                        .addKeyValue("path", copy.path())
                        .log();
                prepared = new PreparedTunnel(copy);
                prepare(run, prepared, tunFd);
            }
        }
    }

    void spawn(SessionRun run, Path binary, int tunFd) {
        workers.execute(() -> announceSpawn(spawned(run, binary, tunFd)));
    }

    void handshake(SessionRun run, RunningTunnel tunnel) {
        workers.execute(() -> announceHandshake(handshaken(run, tunnel, in -> deliver(run, in))));
    }

    /** Spawns the child: {@link SessionEvent.Spawned} or {@link SessionEvent.SpawnFailed}. */
    private SessionEvent spawned(SessionRun run, Path binary, int tunFd) {
        try {
            return new SessionEvent.Spawned(run, launcher.spawn(binary, tunFd));
        } catch (RuntimeException e) {
            return new SessionEvent.SpawnFailed(run, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void announceSpawn(SessionEvent outcome) {
        // Posted in this order, so the session hears of the child before it hears of its exit.
        post.accept(outcome);
        if (outcome instanceof SessionEvent.Spawned s) {
            s.tunnel().exit().thenAccept(status -> post.accept(new SessionEvent.TunnelExited(s.run(), status)));
        }
    }

    /** The handshake's outcome: {@link SessionEvent.Connected}, or why not. */
    private SessionEvent handshaken(
            SessionRun run, RunningTunnel tunnel, Speaker.Handler<ManagerMessage, TunnelFrame> incoming) {
        try {
            return new SessionEvent.Connected(run, tunnel.connect(settings.handshakeTimeout(), incoming));
        } catch (HandshakeException e) {
            return new SessionEvent.HandshakeFailed(run, e);
        } catch (IOException e) {
            return new SessionEvent.HandshakeFailed(
                    run, new HandshakeException(HandshakeException.Reason.IO_ERROR, e.getMessage(), e));
        } catch (RuntimeException e) {
            return new SessionEvent.StepBroke(run, SessionPhase.HANDSHAKING, e);
        }
    }

    private void announceHandshake(SessionEvent outcome) {
        post.accept(outcome);
        if (outcome instanceof SessionEvent.Connected c) {
            c.speaker().closeFuture().thenAccept(cause -> post.accept(new SessionEvent.ProtocolBroke(c.run(), cause)));
        }
    }

    /** A tunnel message to the session thread; the reader waits until it is handled (back-pressure). */
    private void deliver(SessionRun run, Incoming<ManagerMessage, TunnelFrame> in) {
        CompletableFuture<Void> handled = new CompletableFuture<>();
        post.accept(new SessionEvent.FromTunnel(run, in, handled));
        handled.join();
    }

    void start(SessionRun run, Speaker<ManagerMessage, TunnelFrame> speaker, StartRequest request) {
        call(speaker, ManagerMessage.newBuilder().setStart(request).build(), settings.startTimeout())
                .whenComplete((reply, e) -> post.accept(
                        e == null
                                ? new SessionEvent.StartAnswered(run, reply)
                                : new SessionEvent.StartUnanswered(run, io(e))));
    }

    void stop(SessionRun run, Speaker<ManagerMessage, TunnelFrame> speaker) {
        call(
                        speaker,
                        ManagerMessage.newBuilder()
                                .setStop(StopRequest.getDefaultInstance())
                                .build(),
                        settings.stopTimeout())
                .whenComplete((reply, e) -> {
                    if (e != null) {
                        log.atWarn()
                                .setMessage("tunnel did not confirm the stop")
                                .addKeyValue("session", run.id)
                                .addKeyValue("error", io(e).getMessage())
                                .log();
                    } else if (!reply.getStop().getSuccess()) {
                        log.atWarn()
                                .setMessage("tunnel reported an unclean stop")
                                .addKeyValue("session", run.id)
                                .addKeyValue("error", reply.getStop().getErrorMessage())
                                .log();
                    }
                    post.accept(new SessionEvent.StopAnswered(run));
                });
    }

    /** Sends the settings diff to the extension; its answer comes back as {@link SessionEvent.SettingsAnswered}. */
    void relaySettings(SessionRun run, Incoming<ManagerMessage, TunnelFrame> request) {
        NetworkSettingsRequest settingsDiff = request.message().getNetworkSettings();
        CompletableFuture.supplyAsync(() -> run.owner.applyNetworkSettings(settingsDiff), workers)
                .thenCompose(applied -> applied)
                .whenComplete(
                        (ok, e) -> post.accept(new SessionEvent.SettingsAnswered(run, request, settingsAnswer(e))));
    }

    private static NetworkSettingsResponse settingsAnswer(Throwable failure) {
        NetworkSettingsResponse.Builder answer =
                NetworkSettingsResponse.newBuilder().setSuccess(failure == null);
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SettingsRefusedException refused) {
            answer.setErrorMessage(refused.getMessage());
        } else if (cause != null) {
            answer.setErrorMessage("the network extension did not answer: " + cause.getMessage());
        }
        return answer.build();
    }

    void reply(Incoming<ManagerMessage, TunnelFrame> request, ManagerMessage answer) {
        workers.execute(() -> {
            try {
                request.reply(answer);
            } catch (IOException e) {
                log.debug("could not answer the tunnel: {}", e.toString());
            }
        });
    }

    void wake(Speaker<ManagerMessage, TunnelFrame> speaker, CompletableFuture<Void> answer) {
        call(
                        speaker,
                        ManagerMessage.newBuilder()
                                .setWake(WakeRequest.getDefaultInstance())
                                .build(),
                        settings.rpcTimeout())
                .whenComplete((reply, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(
                                new TunnelUnavailableException("wake failed: " + io(e).getMessage(), e));
                    } else {
                        answer.complete(null);
                    }
                });
    }

    void cancelProvider(ExtensionLink owner, String error) {
        workers.execute(() -> owner.cancelProvider(error));
    }

    /** SIGTERM, then SIGKILL after the grace; the exit watcher reports the status. */
    void terminate(RunningTunnel tunnel) {
        workers.execute(() -> {
            try {
                tunnel.terminate(settings.killGrace());
            } catch (RuntimeException e) {
                log.debug("terminate: {}", e.toString());
            }
        });
    }

    /** A child nobody wants any more: terminated, then its pipes closed. */
    void dispose(RunningTunnel tunnel) {
        workers.execute(() -> {
            tunnel.terminate(settings.killGrace());
            tunnel.close();
        });
    }

    /** Closes the speaker and our pipe ends (a close may wait for a blocked writer to notice). */
    void release(Speaker<ManagerMessage, TunnelFrame> speaker, RunningTunnel tunnel) {
        workers.execute(() -> {
            if (speaker != null) {
                speaker.close();
            }
            if (tunnel != null) {
                tunnel.close();
            }
        });
    }

    ScheduledFuture<?> after(Duration delay, SessionEvent event) {
        return loop.schedule(() -> post.accept(event), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Sends on a worker (a pipe write can block) and completes with the reply. */
    private CompletableFuture<TunnelFrame> call(
            Speaker<ManagerMessage, TunnelFrame> speaker, ManagerMessage request, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> speaker.request(request, timeout), workers)
                .thenCompose(reply -> reply);
    }

    private static IOException io(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
    }
}
