package dev.tunnelhelper.shim.xpc;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.XpcConnection;
import dev.tunnelhelper.shim.XpcError;
import dev.tunnelhelper.shim.XpcHandler;
import dev.tunnelhelper.shim.XpcListener;
import dev.tunnelhelper.shim.XpcMessage;
import dev.tunnelhelper.shim.XpcReply;
import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XPC carrier for one connection (docs/protocol.md §3): each message is one XPC dictionary,
 * {@code payload} = the protobuf bytes, plus {@code fd} when a descriptor rides along.
 *
 * <p><b>Why plain sends, not XPC's reply mechanism.</b> RPC correlation stays in our protobuf
 * {@code rpc} field and the {@link dev.tunnelhelper.protocol.Speaker} does it, exactly as on the
 * Unix carrier, so requests and replies are both sent with {@code xpc_connection_send_message}.
 * Requests flow both ways (the helper asks the extension to apply network settings), timeouts and
 * closing fail pending requests in one place, and one FIFO connection keeps a reply ordered with
 * the pushes around it; a separate reply path ({@code xpc_dictionary_create_reply}) would give
 * each carrier different semantics. A message that arrives expecting an XPC reply has its reply
 * handle discarded and is delivered like any other.
 *
 * <p><b>No hello line.</b> The Mach service name says which endpoint this is and the peer's
 * code-signing requirement (set by the helper's server before the connection is resumed)
 * says who the peer is, so the Unix carrier's opening line has nothing left to establish. The
 * version is {@code Endpoints.VERSIONS}' only entry on both sides.
 *
 * <p>Shared by the helper's server and the clients ({@link XpcServiceEndpoint}). macOS, or Linux
 * with the libxpc simulator: the shim throws {@code UnsupportedPlatformException} elsewhere.
 */
public final class XpcChannel<S extends MessageLite, R> implements Channel<S, R> {
    private static final Logger log = LoggerFactory.getLogger(XpcChannel.class);
    /** Messages waiting for the reader before the connection is cancelled (see {@link XpcInbox}). */
    public static final int DEFAULT_CAPACITY = 4096;

    private final XpcConnection connection;
    private final XpcInbox<R> inbox;
    private final PeerIdentity peer;
    private final String describe;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private XpcChannel(
            XpcConnection connection, XpcInbox<R> inbox, PeerIdentity peer, String describe, Runnable onClose) {
        this.connection = connection;
        this.inbox = inbox;
        this.peer = peer;
        this.describe = describe;
        this.onClose = onClose;
    }

    /**
     * Wraps a peer a listener has just accepted (inside {@link XpcHandler#accept}, before XPC
     * resumes it, so no message can be missed). The identity is XPC's, from the connection's
     * audit token, taken now; gid is unknown ({@code -1}) because XPC reports only euid and pid.
     */
    public static <S extends MessageLite, R> XpcChannel<S, R> accepted(
            XpcConnection peerConnection, Parser<R> parser, String service, int capacity, Runnable onClose) {
        PeerIdentity identity = identityOf(peerConnection);
        String where = "xpc:" + service + " " + identity;
        return new XpcChannel<>(peerConnection, new XpcInbox<>(parser, capacity, where), identity, where, onClose);
    }

    /**
     * A client connection to a launchd Mach service ({@code privileged}: in the system domain,
     * where LaunchDaemons live) whose process must satisfy {@code helperRequirement}, set before
     * the connection is activated: messages from a service that fails it are never delivered.
     * Null requires nothing. How the connection ended, when that is a failure, is what
     * {@link #receive} throws once what arrived before is read ({@link ServiceEnding}): no such
     * service, the helper refused us, or it is not the helper we require.
     */
    public static <S extends MessageLite, R> XpcChannel<S, R> connect(
            String service, boolean privileged, String helperRequirement, Parser<R> parser) {
        XpcInbox<R> inbox = new XpcInbox<>(parser, DEFAULT_CAPACITY, "xpc:" + service);
        ServiceEnding ending = new ServiceEnding(service, helperRequirement);
        XpcConnection c = XpcConnection.connect(service, privileged, helperRequirement, serviceHandler(inbox, ending));
        return client(c, inbox, "xpc:" + service);
    }

    /** A client connection to an anonymous listener in this process (tests: no launchd needed). */
    public static <S extends MessageLite, R> XpcChannel<S, R> connect(XpcListener anonymous, Parser<R> parser) {
        XpcInbox<R> inbox = new XpcInbox<>(parser, DEFAULT_CAPACITY, "xpc:anonymous");
        XpcConnection c = anonymous.connect(inboxHandler(inbox));
        return client(c, inbox, "xpc:anonymous");
    }

    private static <S extends MessageLite, R> XpcChannel<S, R> client(
            XpcConnection c, XpcInbox<R> inbox, String where) {
        // XPC may know the service's identity only after its first message: informational here.
        PeerIdentity identity = identityOf(c);
        return new XpcChannel<>(c, inbox, identity, where + " " + identity, () -> {});
    }

    /** The peer as XPC reports it as of its last message: euid as uid, no gid (XPC gives none), pid. */
    public static PeerIdentity identityOf(XpcConnection c) {
        return new PeerIdentity(Integer.toUnsignedLong(c.peerEuid()), -1, c.peerPid(), List.of());
    }

    /** A client's handler: every event goes to the inbox it was created with. */
    private static <R> XpcHandler inboxHandler(XpcInbox<R> inbox) {
        return new XpcHandler() {
            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                deliver(inbox, connection, message, reply);
            }

            @Override
            public void onError(XpcConnection connection, String description) {
                log.debug("XPC client connection ended: {}", description);
                inbox.end();
            }
        };
    }

    /** A named service's client: every event goes to the inbox, an ending that is a failure explained. */
    private static <R> XpcHandler serviceHandler(XpcInbox<R> inbox, ServiceEnding ending) {
        return new XpcHandler() {
            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                ending.heardFromService();
                deliver(inbox, connection, message, reply);
            }

            @Override
            public void onError(XpcConnection connection, XpcError error) {
                log.debug("XPC client connection ended: {} {}", error.kind(), error.description());
                inbox.end(ending.explain(error.kind()));
            }
        };
    }

    /** Runs on XPC's callback thread: queue without waiting, cancel the connection on overflow. */
    static <R> void deliver(XpcInbox<R> inbox, XpcConnection connection, XpcMessage message, XpcReply reply) {
        if (reply != null) {
            reply.discard(); // correlation is in the rpc field, see the class comment
        }
        if (!inbox.offer(message)) {
            log.warn("cancelling an XPC connection whose reader fell behind");
            connection.close();
        }
    }

    /** The helper's server: a message XPC delivered for this peer. */
    public void deliver(XpcMessage message, XpcReply reply) {
        deliver(inbox, connection, message, reply);
    }

    /** The connection was invalidated (peer gone, requirement unmet) or interrupted: the stream ends. */
    public void ended(String description) {
        log.debug("{}: XPC connection ended: {}", describe, description);
        inbox.end();
    }

    @Override
    public Envelope<R> receive() throws IOException {
        return inbox.take();
    }

    /**
     * One dictionary per message. XPC carries at most one descriptor per message (key {@code fd});
     * it duplicates it, so the caller still owns and closes its own, as with SCM_RIGHTS.
     * {@code xpc_connection_send_message} is thread-safe and keeps each thread's order, so no lock.
     */
    @Override
    public void send(S message, List<FileDescriptor> fds) throws IOException {
        if (fds.size() > 1) {
            throw new ProtocolException(
                    describe + ": XPC carries at most one file descriptor per message, not " + fds.size());
        }
        sendPayload(message.toByteArray(), fds.isEmpty() ? -1 : FileDescriptors.number(fds.get(0)));
    }

    /** XPC frames each message itself: the payload goes without the length prefix. */
    @Override
    public void sendEncoded(EncodedFrame<S> frame) throws IOException {
        sendPayload(frame.payload(), -1);
    }

    private void sendPayload(byte[] payload, int fd) throws IOException {
        if (closed.get()) {
            throw new IOException(describe + ": XPC connection closed");
        }
        try {
            connection.send(payload, fd);
        } catch (NativeException | IllegalStateException e) {
            throw new IOException(describe + ": XPC send failed: " + e.getMessage(), e);
        }
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public String describe() {
        return describe;
    }

    /** Cancels and releases the connection; the reader's {@link #receive} returns {@code null}. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inbox.discard();
            connection.close();
            onClose.run();
        }
    }
}
