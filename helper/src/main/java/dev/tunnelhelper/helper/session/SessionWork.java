package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.binary.Acquirer;
import dev.tunnelhelper.helper.binary.AcquisitionException;
import dev.tunnelhelper.helper.binary.AcquisitionListener;
import dev.tunnelhelper.helper.binary.AcquisitionPhase;
import dev.tunnelhelper.helper.binary.AcquisitionRequest;
import dev.tunnelhelper.helper.tunnel.RunningTunnel;
import dev.tunnelhelper.helper.tunnel.TunnelLauncher;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.GetPeerUpdate;
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

    Future<?> acquire(SessionRun run) {
        AcquisitionListener listener = new AcquisitionListener() {
            @Override
            public void phaseStarted(AcquisitionPhase phase) {
                post.accept(new SessionEvent.PhaseStarted(run, phase));
            }

            @Override
            public void downloaded(long bytesWritten, long totalBytes) {
                post.accept(new SessionEvent.Downloaded(run, bytesWritten, totalBytes));
            }
        };
        AcquisitionRequest request = AcquisitionRequest.of(run.params.accessUrl(), run.params.headers())
                .withDisableSignatureValidation(run.params.disableSignatureValidation())
                .withListener(listener);
        return workers.submit(() -> {
            try {
                post.accept(new SessionEvent.Acquired(run, acquirer.acquire(request)));
            } catch (AcquisitionException e) {
                post.accept(new SessionEvent.AcquisitionFailed(run, e));
            } catch (RuntimeException e) {
                post.accept(new SessionEvent.StepBroke(run, SessionPhase.FETCHING_INFO, e));
            }
        });
    }

    void spawn(SessionRun run, Path binary, int tunFd) {
        workers.execute(() -> {
            RunningTunnel tunnel;
            try {
                tunnel = launcher.spawn(binary, tunFd);
            } catch (RuntimeException e) {
                post.accept(new SessionEvent.SpawnFailed(run, e.getMessage() == null ? e.toString() : e.getMessage()));
                return;
            }
            // Posted in this order, so the session hears of the child before it hears of its exit.
            post.accept(new SessionEvent.Spawned(run, tunnel));
            tunnel.exit().thenAccept(status -> post.accept(new SessionEvent.TunnelExited(run, status)));
        });
    }

    void handshake(SessionRun run, RunningTunnel tunnel) {
        workers.execute(() -> {
            try {
                Speaker<ManagerMessage, TunnelFrame> speaker = tunnel.connect(settings.handshakeTimeout(), in -> {
                    CompletableFuture<Void> handled = new CompletableFuture<>();
                    post.accept(new SessionEvent.FromTunnel(run, in, handled));
                    handled.join();
                });
                post.accept(new SessionEvent.Connected(run, speaker));
                speaker.closeFuture().thenAccept(cause -> post.accept(new SessionEvent.ProtocolBroke(run, cause)));
            } catch (HandshakeException e) {
                post.accept(new SessionEvent.HandshakeFailed(run, e));
            } catch (IOException e) {
                post.accept(new SessionEvent.HandshakeFailed(
                        run, new HandshakeException(HandshakeException.Reason.IO_ERROR, e.getMessage(), e)));
            } catch (RuntimeException e) {
                post.accept(new SessionEvent.StepBroke(run, SessionPhase.HANDSHAKING, e));
            }
        });
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

    void peerState(
            Speaker<ManagerMessage, TunnelFrame> speaker,
            SessionStatus status,
            CompletableFuture<PeerSnapshot> answer) {
        call(
                        speaker,
                        ManagerMessage.newBuilder()
                                .setGetPeerUpdate(GetPeerUpdate.getDefaultInstance())
                                .build(),
                        settings.rpcTimeout())
                .whenComplete((reply, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(
                                new TunnelUnavailableException("the tunnel did not answer: " + io(e).getMessage(), e));
                    } else {
                        answer.complete(new PeerSnapshot(status, reply.getPeerUpdate()));
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
