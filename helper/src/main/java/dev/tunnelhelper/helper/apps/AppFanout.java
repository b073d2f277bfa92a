package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionStatus;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.helper.Subscribed;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What app subscribers are told: every status the session publishes, progress during a start,
 * and the tunnel's peer deltas as it sent them. A session listener, so it hears all of it in
 * order from the session's thread; it also keeps the merged peer picture and the last status,
 * so a new subscriber starts from exactly the state the next push follows. Its monitor guards
 * that state against subscriptions arriving from app connections.
 */
public final class AppFanout implements SessionEventListener {
    public static final int DEFAULT_QUEUE_DEPTH = 1024;

    private final String helperVersion;
    private final int queueDepth;
    private final SessionEventListener drops;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final PeerMerger peers = new PeerMerger();
    private HelperStatus lastStatus;

    /**
     * @param queueDepth pushes one subscriber may fall behind before it is disconnected
     * @param drops      hears {@link SessionEventListener#subscriberDropped} for each disconnected subscriber
     */
    public AppFanout(String helperVersion, int queueDepth, SessionEventListener drops) {
        this.helperVersion = helperVersion;
        this.queueDepth = queueDepth;
        this.drops = drops;
        this.lastStatus =
                HelperStatus.newBuilder().setHelperVersion(helperVersion).build();
    }

    @Override
    public synchronized void stateChanged(SessionStatus status) {
        if (status.phase() == SessionPhase.IDLE) {
            peers.clear();
        }
        lastStatus = WireStatus.of(status, helperVersion);
        push(HelperAppMessage.newBuilder().setStatus(lastStatus).build());
        WireStatus.stageOnEntering(status.phase())
                .ifPresent(stage -> push(HelperAppMessage.newBuilder()
                        .setProgress(Progress.newBuilder().setStage(stage))
                        .build()));
    }

    @Override
    public synchronized void downloadProgress(long bytesWritten, long totalBytes) {
        push(HelperAppMessage.newBuilder()
                .setProgress(Progress.newBuilder()
                        .setStage(ProgressStage.PROGRESS_STAGE_DOWNLOADING)
                        .setBytesWritten(bytesWritten)
                        .setBytesTotal(Math.max(0, totalBytes)))
                .build());
    }

    @Override
    public synchronized void messageRelayed(TunnelMessage message) {
        if (message.hasPeerUpdate()) {
            peers.apply(message.getPeerUpdate());
            push(HelperAppMessage.newBuilder()
                    .setPeerUpdate(message.getPeerUpdate())
                    .build());
        }
    }

    /**
     * Registers a subscriber on {@code speaker} and returns what it starts from; pushes queue up
     * behind the reply until {@link #startDelivery} is called once the reply is sent.
     */
    public synchronized Subscription subscribe(Speaker<HelperAppMessage, AppMessage> speaker, String who) {
        Subscriber subscriber = new Subscriber(speaker, who, queueDepth, drops);
        subscribers.add(subscriber);
        return new Subscription(
                subscriber,
                Subscribed.newBuilder()
                        .setStatus(lastStatus)
                        .setPeers(peers.full())
                        .build());
    }

    public void startDelivery(Subscription subscription) {
        subscription.subscriber().start();
    }

    public synchronized void unsubscribe(Subscription subscription) {
        subscribers.remove(subscription.subscriber());
        subscription.subscriber().close();
    }

    public synchronized int subscriberCount() {
        return subscribers.size();
    }

    private void push(HelperAppMessage message) {
        subscribers.removeIf(s -> !s.offer(message));
    }

    /** One subscribed connection: its handle, and the state it starts from (the Subscribe reply). */
    public record Subscription(Subscriber subscriber, Subscribed initial) {}
}
