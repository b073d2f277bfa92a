package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribed;
import dev.tunnelhelper.protocol.testing.ScriptedHelper;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a helper whose messages come as close together as they can: pushes in the
 * same write as the {@code subscribed} reply, an {@code error} immediately followed by the close.
 * What the client reports must not depend on how the threads happen to run.
 */
@Timeout(60)
class HelperMessageOrderTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int ROUNDS = 20;

    @TempDir
    Path dir;

    private static HelperAppMessage error(ErrorCode code, String message) {
        return HelperAppMessage.newBuilder().setError(code.error(message)).build();
    }

    private static HelperStatus status(SessionState state) {
        return HelperStatus.newBuilder().setState(state).build();
    }

    @Test
    void aCallCutOffByTheHelperThrowsTheErrorTheHelperSentBeforeClosing() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            try (var helper = ScriptedHelper.app(roundDir(round))) {
                CompletableFuture<Void> script = helper.closeAfterNextMessage(
                        List.of(error(ErrorCode.IDLE_TIMEOUT, "closed after 1 s without a request")));
                try (HelperClient client = HelperClient.connect(helper.socket(), TIMEOUT)) {
                    HelperErrorException e = assertThrows(HelperErrorException.class, client::ping, "round " + round);
                    assertEquals(Optional.of(ErrorCode.IDLE_TIMEOUT), e.errorCode(), "round " + round);
                    assertEquals("closed after 1 s without a request", e.helperMessage());
                }
                script.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyPushIsMergedOnTopOfTheSnapshotInTheOrderTheHelperSentIt() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            var events = new LinkedBlockingQueue<String>();
            List<HelperAppMessage> pushes = new ArrayList<>();
            List<String> expected = new ArrayList<>(List.of("snapshot RUNNING with 1 workspace"));
            for (int i = 0; i < 50; i++) {
                Workspace w = Peers.workspace("w" + i, Workspace.Status.RUNNING);
                pushes.add(HelperAppMessage.newBuilder()
                        .setPeerUpdate(PeerUpdate.newBuilder().addUpsertedWorkspaces(w))
                        .build());
                expected.add("delta w" + i + ", now " + (i + 2) + " workspaces");
            }
            pushes.add(HelperAppMessage.newBuilder()
                    .setStatus(status(SessionState.SESSION_STATE_STOPPING))
                    .build());
            pushes.add(HelperAppMessage.newBuilder()
                    .setProgress(Progress.newBuilder().setStage(ProgressStage.PROGRESS_STAGE_FETCHING_INFO))
                    .build());
            expected.add("status STOPPING");
            expected.add("progress FETCHING_INFO");

            try (var helper = ScriptedHelper.app(roundDir(round))) {
                CompletableFuture<Void> script = helper.play(h -> {
                    AppMessage subscribe = h.receive();
                    List<HelperAppMessage> burst = new ArrayList<>();
                    burst.add(h.replyTo(
                            subscribe,
                            HelperAppMessage.newBuilder()
                                    .setSubscribed(Subscribed.newBuilder()
                                            .setStatus(status(SessionState.SESSION_STATE_RUNNING))
                                            .setPeers(PeerUpdate.newBuilder()
                                                    .addUpsertedWorkspaces(
                                                            Peers.workspace("first", Workspace.Status.RUNNING))))
                                    .build()));
                    burst.addAll(pushes);
                    h.sendTogether(burst);
                });
                try (Subscription subscription =
                        Subscription.open(helper.socket(), TIMEOUT, recorder(events), ReconnectPolicy.NEVER)) {
                    script.get(10, TimeUnit.SECONDS);
                    for (String next : expected) {
                        assertEquals(next, events.poll(10, TimeUnit.SECONDS), "round " + round);
                    }
                    assertEquals(51, subscription.currentPeers().workspaces().size());
                }
            }
        }
    }

    @Test
    void aSubscriptionTheHelperDropsReportsTheHelpersReason() throws Exception {
        var events = new LinkedBlockingQueue<String>();
        try (var helper = ScriptedHelper.app(dir)) {
            helper.play(h -> {
                AppMessage subscribe = h.receive();
                h.sendAndClose(List.of(
                        h.replyTo(
                                subscribe,
                                HelperAppMessage.newBuilder()
                                        .setSubscribed(Subscribed.newBuilder()
                                                .setStatus(status(SessionState.SESSION_STATE_IDLE)))
                                        .build()),
                        error(ErrorCode.SLOW_CONSUMER, "fell more than 1024 messages behind")));
            });
            try (Subscription subscription =
                    Subscription.open(helper.socket(), TIMEOUT, recorder(events), ReconnectPolicy.NEVER)) {
                assertEquals(
                        "SLOW_CONSUMER: fell more than 1024 messages behind",
                        subscription.ended().get(10, TimeUnit.SECONDS));
                assertEquals("snapshot IDLE with 0 workspaces", events.poll(10, TimeUnit.SECONDS));
                assertEquals(
                        "disconnected: SLOW_CONSUMER: fell more than 1024 messages behind",
                        events.poll(10, TimeUnit.SECONDS));
            }
        }
    }

    private static SubscriptionListener recorder(LinkedBlockingQueue<String> events) {
        return new SubscriptionListener() {
            @Override
            public void onSnapshot(HelperStatus status, PeerView.Snapshot peers) {
                int n = peers.workspaces().size();
                events.add("snapshot " + Names.state(status.getState()) + " with " + n + " workspace"
                        + (n == 1 ? "" : "s"));
            }

            @Override
            public void onStatus(HelperStatus status) {
                events.add("status " + Names.state(status.getState()));
            }

            @Override
            public void onProgress(Progress progress) {
                events.add("progress " + Names.stage(progress.getStage()));
            }

            @Override
            public void onPeerUpdate(PeerUpdate delta, PeerView.Snapshot peers) {
                events.add("delta " + delta.getUpsertedWorkspaces(0).getName() + ", now "
                        + peers.workspaces().size() + " workspaces");
            }

            @Override
            public void onDisconnected(String reason, boolean reconnecting) {
                events.add("disconnected: " + reason);
            }
        };
    }

    /** A directory per round: each scripted helper binds a socket of its own. */
    private Path roundDir(int round) throws IOException {
        return Files.createDirectories(dir.resolve("round" + round));
    }
}
