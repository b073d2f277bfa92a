package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.helper.session.AppBroadcast;
import dev.tunnelhelper.helper.session.SessionManager;
import dev.tunnelhelper.helper.session.Subscriber;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.Error;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.PeerState;
import dev.tunnelhelper.protocol.helper.Pong;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** One app connection: status and peer queries, wake, and a subscription to pushed updates. */
final class AppConnection implements PeerConnection<HelperAppMessage, AppMessage> {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final SessionManager sessions;
    private final AppBroadcast broadcast;
    private final int queueDepth;
    private final String helperVersion;
    private final String who;
    private volatile Speaker<HelperAppMessage, AppMessage> speaker;
    private volatile Subscriber subscriber;

    AppConnection(SessionManager sessions, AppBroadcast broadcast, int queueDepth, String helperVersion, String who) {
        this.sessions = sessions;
        this.broadcast = broadcast;
        this.queueDepth = queueDepth;
        this.helperVersion = helperVersion;
        this.who = who;
    }

    @Override
    public void attached(Speaker<HelperAppMessage, AppMessage> speaker) {
        this.speaker = speaker;
    }

    @Override
    public void onMessage(Incoming<HelperAppMessage, AppMessage> in) throws IOException {
        if (!in.isRequest()) {
            return; // apps send only requests; anything else has nothing to answer
        }
        HelperAppMessage.Builder reply = HelperAppMessage.newBuilder();
        switch (in.message().getMsgCase()) {
            case PING -> reply.setPong(Pong.newBuilder().setHelperVersion(helperVersion));
            case GET_STATUS -> reply.setStatus(sessions.status().toBuilder().setHelperThreads(THREADS.getThreadCount()));
            case GET_PEER_STATE -> {
                try {
                    reply.setPeerState(PeerState.newBuilder().setPeers(sessions.peerState()).setStatus(sessions.status()));
                } catch (IOException e) {
                    reply.setError(Error.newBuilder().setCode("UNAVAILABLE").setMessage("the tunnel did not answer: " + e.getMessage()));
                }
            }
            case SUBSCRIBE -> {
                if (subscriber != null) {
                    reply.setError(Error.newBuilder().setCode("BAD_REQUEST").setMessage("this connection is already subscribed"));
                    break;
                }
                Subscriber s = new Subscriber(speaker, who, queueDepth);
                subscriber = s;
                in.reply(reply.setSubscribed(broadcast.subscribe(s)).build());
                broadcast.startDelivery(s);
                return;
            }
            case NOTIFY_WAKE -> reply.setResult(sessions.wake());
            default -> reply.setError(Error.newBuilder().setCode("BAD_REQUEST")
                    .setMessage("unexpected " + in.message().getMsgCase() + " request on the app endpoint"));
        }
        in.reply(reply.build());
    }

    /** A subscriber hears from the helper, not the other way round: it may stay silent as long as it likes. */
    @Override
    public boolean keepsOpen() {
        return subscriber != null;
    }

    @Override
    public void closed(Throwable cause) {
        Subscriber s = subscriber;
        if (s != null) {
            broadcast.unsubscribe(s);
        }
    }
}
