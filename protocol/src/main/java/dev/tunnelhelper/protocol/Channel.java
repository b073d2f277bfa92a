package dev.tunnelhelper.protocol;

/**
 * A connection to one peer of the helper's endpoints: whole messages, optional attached file
 * descriptors, and the peer's identity. The endpoint code is written against this and does not
 * know whether a Unix socket or XPC carries it.
 */
public interface Channel<S, R> extends MessageTransport<S, R> {

    PeerIdentity peer();

    /** For log lines: the carrier and the peer, e.g. {@code unix:/run/tunnel-helper/app.sock uid=501 pid=88}. */
    String describe();
}
