package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.helper.Subscribed;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What app subscribers are told: every status change, progress during a start, and the tunnel's
 * peer deltas as it sent them. Also keeps the merged peer picture so a new subscriber starts
 * from the full state with no gap and no race against deltas.
 */
public final class AppBroadcast {
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final PeerMerger peers = new PeerMerger();
    private HelperStatus lastStatus = HelperStatus.getDefaultInstance();

    public synchronized void status(HelperStatus status) {
        lastStatus = status;
        push(HelperAppMessage.newBuilder().setStatus(status).build());
    }

    public synchronized void progress(Progress progress) {
        push(HelperAppMessage.newBuilder().setProgress(progress).build());
    }

    public synchronized void peers(PeerUpdate delta) {
        peers.apply(delta);
        push(HelperAppMessage.newBuilder().setPeerUpdate(delta).build());
    }

    public synchronized void clearPeers() {
        peers.clear();
    }

    public synchronized PeerUpdate fullPeers() {
        return peers.full();
    }

    /**
     * Registers {@code subscriber} and returns the state it starts from; pushes queue up behind
     * it until {@link #startDelivery} is called after the reply is sent.
     */
    public synchronized Subscribed subscribe(Subscriber subscriber) {
        subscribers.add(subscriber);
        return Subscribed.newBuilder().setStatus(lastStatus).setPeers(peers.full()).build();
    }

    public void startDelivery(Subscriber subscriber) {
        subscriber.start();
    }

    public void unsubscribe(Subscriber subscriber) {
        subscribers.remove(subscriber);
        subscriber.close();
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    private void push(HelperAppMessage message) {
        for (Subscriber s : subscribers) {
            if (!s.offer(message)) {
                subscribers.remove(s);
            }
        }
    }
}
