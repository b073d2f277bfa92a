package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.helper.Subscribed;
import dev.tunnelhelper.protocol.testing.ScriptedHelper;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reconnecting subscription across a helper restart: the loss is reported as "reconnecting",
 * attempts go on while nothing listens, and the new helper's snapshot replaces the old picture.
 * The subscription ends only when it is closed, and closing it closes its connection.
 */
@Timeout(60)
class SubscriptionReconnectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Quick retries: the test waits for the events they lead to, never for the delays. */
    private static final ReconnectPolicy QUICK = new ReconnectPolicy(true, Duration.ofMillis(5), Duration.ofMillis(20));

    @TempDir
    Path dir;

    private static CompletableFuture<AppMessage> answerSubscribe(
            ScriptedHelper<HelperAppMessage, AppMessage> helper, SessionState state, Workspace... workspaces) {
        CompletableFuture<AppMessage> subscribe = new CompletableFuture<>();
        helper.play(h -> {
            AppMessage request = h.receive();
            subscribe.complete(request);
            h.sendTogether(List.of(h.replyTo(
                    request,
                    HelperAppMessage.newBuilder()
                            .setSubscribed(Subscribed.newBuilder()
                                    .setStatus(HelperStatus.newBuilder().setState(state))
                                    .setPeers(PeerUpdate.newBuilder().addAllUpsertedWorkspaces(List.of(workspaces))))
                            .build())));
        });
        return subscribe;
    }

    @Test
    void aRestartedHelperIsSubscribedToAgainAndItsSnapshotReplacesTheOldPicture() throws Exception {
        var events = new LinkedBlockingQueue<String>();
        var first = ScriptedHelper.app(dir);
        answerSubscribe(first, SessionState.SESSION_STATE_RUNNING, Peers.workspace("old", Workspace.Status.RUNNING));
        try (Subscription subscription = Subscription.open(first.socket(), TIMEOUT, recorder(events), QUICK)) {
            assertEquals("snapshot RUNNING [old]", events.poll(10, TimeUnit.SECONDS));

            first.close(); // the helper goes away: its socket with it
            assertEquals(
                    "disconnected (reconnecting): the helper closed the connection", events.poll(10, TimeUnit.SECONDS));

            try (var second = ScriptedHelper.app(dir)) {
                CompletableFuture<AppMessage> resubscribed = answerSubscribe(
                        second, SessionState.SESSION_STATE_IDLE, Peers.workspace("new", Workspace.Status.STOPPED));
                assertEquals("snapshot IDLE [new]", events.poll(10, TimeUnit.SECONDS));
                assertEquals(
                        AppMessage.MsgCase.SUBSCRIBE,
                        resubscribed.get(10, TimeUnit.SECONDS).getMsgCase());
                assertEquals(
                        List.of("new"),
                        subscription.currentPeers().workspaces().stream()
                                .map(Workspace::getName)
                                .toList());
                assertFalse(subscription.ended().isDone(), "a reconnecting subscription has not ended");

                subscription.close();
                assertEquals("closed", subscription.ended().get(10, TimeUnit.SECONDS));
                assertNull(second.receive(), "closing the subscription closed its connection");
            }
        }
    }

    @Test
    void withoutReconnectingTheLossEndsTheSubscriptionAndSaysSo() throws Exception {
        var events = new LinkedBlockingQueue<String>();
        var helper = ScriptedHelper.app(dir);
        answerSubscribe(helper, SessionState.SESSION_STATE_IDLE);
        try (Subscription subscription =
                Subscription.open(helper.socket(), TIMEOUT, recorder(events), ReconnectPolicy.NEVER)) {
            assertEquals("snapshot IDLE []", events.poll(10, TimeUnit.SECONDS));
            helper.close();
            assertEquals(
                    "the helper closed the connection", subscription.ended().get(10, TimeUnit.SECONDS));
            assertEquals(
                    "disconnected (giving up): the helper closed the connection", events.poll(10, TimeUnit.SECONDS));
        }
    }

    private static SubscriptionListener recorder(LinkedBlockingQueue<String> events) {
        return new SubscriptionListener() {
            @Override
            public void onSnapshot(HelperStatus status, PeerView.Snapshot peers) {
                events.add("snapshot " + Names.state(status.getState()) + " "
                        + peers.workspaces().stream().map(Workspace::getName).toList());
            }

            @Override
            public void onDisconnected(String reason, boolean reconnecting) {
                events.add("disconnected (" + (reconnecting ? "reconnecting" : "giving up") + "): " + reason);
            }
        };
    }
}
