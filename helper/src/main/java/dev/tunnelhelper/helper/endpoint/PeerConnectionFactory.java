package dev.tunnelhelper.helper.endpoint;

/** Creates the {@link PeerConnection} for each admitted peer of an endpoint; shared by both carriers. */
@FunctionalInterface
public interface PeerConnectionFactory<S, R> {

    /**
     * Makes the handler for one admitted peer.
     *
     * @param who the peer, for log lines (e.g. {@code uid=501 gid=20 pid=88}) */
    PeerConnection<S, R> open(String who);
}
