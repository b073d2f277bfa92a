package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.Speaker;

/**
 * What an endpoint does with one admitted peer, whatever carries it (a Unix socket or XPC): the
 * handler for the peer's requests and one-way messages, told about its {@link Speaker} before
 * the first of them is read and about the end of the connection.
 */
public interface PeerConnection<S, R> extends Speaker.Handler<S, R> {

    /** The speaker for this peer, before anything is read from it. */
    void attached(Speaker<S, R> speaker);

    /** The connection ended: {@code cause} is null for a clean close, else why it broke. */
    void closed(Throwable cause);

    /** True while the connection must stay open though its peer sends nothing (a subscription, a session it owns). */
    default boolean keepsOpen() {
        return false;
    }
}
