package dev.tunnelhelper.helper.apps;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionStatus;
import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.ProgressStage;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What app subscribers are told: every status the session publishes, progress during a start,
 * and the tunnel's peer deltas as it sent them. A session listener, so it hears all of it in
 * order from the session's thread; it also keeps the merged peer picture and the last status,
 * so a new subscriber starts from exactly the state the next push follows. Its monitor guards
 * that state against subscriptions arriving from app connections.
 *
 * <p>Every subscriber's bytes are written by one {@link PushWriter} thread, without blocking,
 * however many subscribe.
 *
 * <p>Peer state is relayed without being decoded: each delta is pushed as the tunnel's own bytes,
 * encoded once into one frame every subscriber writes as it is ({@link EncodedFrame}), and the
 * merged picture keeps each peer's encoded bytes by id ({@link EncodedPeers}).
 */
public final class AppFanout implements SessionEventListener {
    private static final Logger log = LoggerFactory.getLogger(AppFanout.class);

    private final String helperVersion;
    private final FanoutLimits limits;
    private final SessionEventListener drops;
    private final List<Subscriber> subscribers = new ArrayList<>();
    private final EncodedPeers peers = new EncodedPeers();
    private final FrameCodec codec = new FrameCodec();
    private HelperStatus lastStatus;
    /** Made with the first subscription: a helper nobody subscribes to has no writer thread. */
    private PushWriter writer;

    /**
     * @param limits how far one subscriber may fall behind before it is disconnected
     * @param drops  hears {@link SessionEventListener#subscriberDropped} for each disconnected subscriber
     */
    public AppFanout(String helperVersion, FanoutLimits limits, SessionEventListener drops) {
        this.helperVersion = helperVersion;
        this.limits = limits;
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
    public synchronized void messageRelayed(TunnelFrame message) {
        if (!message.hasPeerUpdate()) {
            return;
        }
        try {
            peers.apply(message.getPeerUpdate());
        } catch (InvalidProtocolBufferException e) {
            // Neither merged nor pushed: an app would fail to decode it, and the next full state corrects the picture.
            log.atWarn()
                    .setMessage("dropping a malformed peer update from the tunnel")
                    .addKeyValue("bytes", message.getPeerUpdate().size())
                    .addKeyValue("error", e.getMessage())
                    .log();
            return;
        }
        push(EncodedReplies.peerUpdate(message.getPeerUpdate()));
    }

    /**
     * Registers a subscriber on {@code speaker} and returns what it starts from; pushes queue up
     * behind the reply until {@link #startDelivery} is called once the reply is sent.
     */
    public synchronized Subscription subscribe(Speaker<HelperAppMessage, AppMessage> speaker, String who) {
        if (writer == null) {
            writer = new PushWriter();
        }
        Subscriber subscriber = new Subscriber(speaker, who, limits, drops, writer);
        subscribers.add(subscriber);
        return new Subscription(subscriber, EncodedReplies.subscribed(lastStatus, peers.full()));
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
        EncodedFrame<HelperAppMessage> frame;
        try {
            frame = EncodedFrame.of(message, codec);
        } catch (ProtocolException e) {
            // A status or progress is a few bytes, and a peer_update push is no larger than the
            // tunnel frame that carried it, which the same limit admitted.
            throw new IllegalStateException("a push over the frame limit: " + e.getMessage(), e);
        }
        subscribers.removeIf(s -> !s.offer(frame));
    }

    /** One subscribed connection: its handle, and its Subscribe reply, the state it starts from. */
    public record Subscription(Subscriber subscriber, HelperAppMessage reply) {}
}
