package dev.tunnelhelper.app;

import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.Progress;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;

/**
 * What a subscription delivers, on one thread, in the order the helper sent it. Every method has
 * a default so a listener implements only what it shows.
 */
public interface SubscriptionListener {

    /** A full picture: on (re)subscribing. {@code peers} is the merged view right after it was reset. */
    default void onSnapshot(HelperStatus status, PeerView.Snapshot peers) {}

    /** The helper's state changed. */
    default void onStatus(HelperStatus status) {}

    /** Start progress: stage, and bytes while downloading. */
    default void onProgress(Progress progress) {}

    /** A delta exactly as the tunnel sent it, and the merged view after applying it. */
    default void onPeerUpdate(PeerUpdate delta, PeerView.Snapshot peers) {}

    /**
     * The connection ended. {@code reason} says why (an {@code error} code from the helper, or the
     * I/O failure); {@code reconnecting} tells whether the subscription will try again.
     */
    default void onDisconnected(String reason, boolean reconnecting) {}
}
