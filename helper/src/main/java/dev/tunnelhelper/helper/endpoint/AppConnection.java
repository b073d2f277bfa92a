package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.helper.apps.AppFanout;
import dev.tunnelhelper.helper.apps.EncodedReplies;
import dev.tunnelhelper.helper.apps.WireStatus;
import dev.tunnelhelper.helper.session.PeerSnapshot;
import dev.tunnelhelper.helper.session.TunnelSession;
import dev.tunnelhelper.helper.session.TunnelUnavailableException;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Pong;
import dev.tunnelhelper.protocol.helper.Result;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One app connection: status and peer queries, wake, and a subscription to pushed updates. A
 * subscribed connection may go on sending requests; their replies travel between the pushes.
 */
final class AppConnection implements PeerConnection<HelperAppMessage, AppMessage> {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final TunnelSession session;
    private final AppFanout fanout;
    private final String helperVersion;
    private final String who;
    private volatile AppFanout.Subscription subscription;

    AppConnection(TunnelSession session, AppFanout fanout, String helperVersion, String who) {
        this.session = session;
        this.fanout = fanout;
        this.helperVersion = helperVersion;
        this.who = who;
    }

    @Override
    public void attached(Speaker<HelperAppMessage, AppMessage> speaker) {
        // Nothing to keep: every reply and push goes through the speaker each Incoming carries.
    }

    @Override
    public void onMessage(Incoming<HelperAppMessage, AppMessage> in) throws IOException {
        if (!in.isRequest()) {
            return; // apps send only requests; anything else has nothing to answer
        }
        if (in.message().hasSubscribe()) {
            subscribe(in);
        } else {
            in.reply(answer(in.message()));
        }
    }

    private HelperAppMessage answer(AppMessage request) {
        HelperAppMessage.Builder reply = HelperAppMessage.newBuilder();
        switch (request.getMsgCase()) {
            case PING -> reply.setPong(Pong.newBuilder().setHelperVersion(helperVersion));
            case GET_STATUS -> reply.setStatus(status().toBuilder().setHelperThreads(THREADS.getThreadCount()));
            case GET_PEER_STATE -> {
                try {
                    PeerSnapshot state = session.peerState();
                    return EncodedReplies.peerState(WireStatus.of(state.status(), helperVersion), state.peers());
                } catch (TunnelUnavailableException e) {
                    reply.setError(ErrorCode.UNAVAILABLE.error(e.getMessage()));
                }
            }
            case NOTIFY_WAKE -> {
                try {
                    Answers.await(session.wake(), TunnelUnavailableException.class);
                    reply.setResult(Result.newBuilder().setSuccess(true));
                } catch (TunnelUnavailableException e) {
                    reply.setResult(Result.newBuilder().setSuccess(false).setErrorMessage(e.getMessage()));
                }
            }
            default ->
                reply.setError(ErrorCode.BAD_REQUEST.error(
                        "unexpected " + request.getMsgCase() + " request on the app endpoint"));
        }
        return reply.build();
    }

    private void subscribe(Incoming<HelperAppMessage, AppMessage> in) throws IOException {
        if (subscription != null) {
            in.reply(HelperAppMessage.newBuilder()
                    .setError(ErrorCode.BAD_REQUEST.error("this connection is already subscribed"))
                    .build());
            return;
        }
        AppFanout.Subscription s = fanout.subscribe(in.speaker(), who);
        subscription = s;
        in.reply(s.reply());
        fanout.startDelivery(s);
    }

    private HelperStatus status() {
        return WireStatus.of(session.status().join(), helperVersion);
    }

    /** A subscriber hears from the helper, not the other way round: it may stay silent as long as it likes. */
    @Override
    public boolean keepsOpen() {
        return subscription != null;
    }

    @Override
    public void closed(Throwable cause) {
        AppFanout.Subscription s = subscription;
        if (s != null) {
            fanout.unsubscribe(s);
        }
    }
}
