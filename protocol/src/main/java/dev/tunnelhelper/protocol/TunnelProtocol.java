package dev.tunnelhelper.protocol;

import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * Opens a CoderVPN conversation over a stream pair: handshake, then a {@link Speaker} on the
 * framed stream that follows. One method per role, because the two roles send different types.
 */
public final class TunnelProtocol {
    /** What deployed managers offer today. */
    public static final VersionList CURRENT_VERSIONS = VersionList.of(new ProtocolVersion(1, 3));

    private final VersionList versions;
    private final Duration handshakeTimeout;
    private final FrameCodec codec;

    public TunnelProtocol() {
        this(CURRENT_VERSIONS, Handshake.DEFAULT_TIMEOUT, new FrameCodec());
    }

    public TunnelProtocol(VersionList versions, Duration handshakeTimeout, FrameCodec codec) {
        this.versions = versions;
        this.handshakeTimeout = handshakeTimeout;
        this.codec = codec;
    }

    /**
     * The manager's side, with every message decoded.
     *
     * @param closer closes both streams; used on handshake timeout and by {@link Speaker#close()}
     */
    public Speaker<ManagerMessage, TunnelMessage> connectAsManager(
            InputStream in, OutputStream out, Closeable closer, Speaker.Handler<ManagerMessage, TunnelMessage> handler)
            throws IOException {
        return manager(in, out, closer, TunnelMessage.parser(), VpnRpc.MANAGER, handler);
    }

    /**
     * The helper's side: the manager, reading the tunnel's peer updates as the encoded bytes it
     * relays ({@link TunnelFrame}) instead of decoding them.
     *
     * @param closer closes both streams; used on handshake timeout and by {@link Speaker#close()}
     */
    public Speaker<ManagerMessage, TunnelFrame> connectAsRelay(
            InputStream in, OutputStream out, Closeable closer, Speaker.Handler<ManagerMessage, TunnelFrame> handler)
            throws IOException {
        return manager(in, out, closer, TunnelFrame.parser(), VpnRpc.RELAY, handler);
    }

    private <R> Speaker<ManagerMessage, R> manager(
            InputStream in,
            OutputStream out,
            Closeable closer,
            Parser<R> parser,
            RpcAccess<ManagerMessage, R> rpc,
            Speaker.Handler<ManagerMessage, R> handler)
            throws IOException {
        HandshakeResult result = new Handshake(Role.MANAGER, versions, handshakeTimeout).perform(in, out, closer);
        var transport = new StreamTransport<ManagerMessage, R>(in, out, closer, parser, codec);
        return Speaker.start("tunnel", transport, rpc, result.version(), handler);
    }

    /** The tunnel binary's side. */
    public Speaker<TunnelMessage, ManagerMessage> connectAsTunnel(
            InputStream in, OutputStream out, Closeable closer, Speaker.Handler<TunnelMessage, ManagerMessage> handler)
            throws IOException {
        HandshakeResult result = new Handshake(Role.TUNNEL, versions, handshakeTimeout).perform(in, out, closer);
        var transport =
                new StreamTransport<TunnelMessage, ManagerMessage>(in, out, closer, ManagerMessage.parser(), codec);
        return Speaker.start("manager", transport, VpnRpc.TUNNEL, result.version(), handler);
    }
}
