package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.Handshake;
import dev.tunnelhelper.protocol.HandshakeException;
import dev.tunnelhelper.protocol.HeaderLine;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a Unix-socket endpoint does before a peer is admitted, for every connection at once
 * on one thread (a selector): accept; read the peer's kernel credentials; decide
 * ({@link PeerAdmission#decide}: access policy and connection limits); answer a refused peer with
 * our hello line and an UNAUTHORIZED frame, then read and discard what it sent for a moment so it
 * can read ours (closing with its bytes unread would reset the connection); read an admitted
 * peer's hello line against a deadline. Only a peer with a valid hello line costs threads: it is
 * handed to {@link PeerAdmission#start}. So the number of threads does not grow with the number
 * of connections, and a peer that connects and says nothing holds a counted slot and no thread.
 *
 * <p>The gate keeps its own list of the connections it holds, and checks it on every turn: when
 * a peer hangs up, junixsocket's selector cancels the key (reporting it selected once, already
 * invalid) and leaves the channel open, so the selector's keys alone would leak the connection.
 *
 * <p>Accept failures (EMFILE when the process is out of descriptors, ENFILE), and any other
 * failure of one turn of the loop, pause accepting for {@link #ACCEPT_BACKOFF} and are logged at
 * most once per {@link #ACCEPT_FAILURE_LOG_INTERVAL}; the gate keeps serving.
 */
final class HelloGate<S extends MessageLite, R> {
    private static final Logger log = LoggerFactory.getLogger(HelloGate.class);
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    static final Duration ACCEPT_FAILURE_LOG_INTERVAL = Duration.ofSeconds(10);
    /** How long a refused peer may take to read why (and send more, which is discarded). */
    static final Duration REFUSAL_LINGER = Duration.ofSeconds(1);
    private static final int REFUSAL_DISCARD_LIMIT = 64 * 1024;
    /** Refused connections kept open to linger at once; beyond that they are closed at once. */
    static final int MAX_LINGERING = 64;

    private final EndpointSpec<S, R> spec;
    private final PeerAdmission<S, R> admission;
    private final AFUNIXServerSocketChannel server;
    private final Selector selector;
    private final Path path;
    private final UnixSocketChannel.DescriptorReceiver receiver;
    private final Handshake handshake;
    private final byte[] hello;
    private final FrameCodec codec = new FrameCodec();
    private final ByteBuffer oneByte = ByteBuffer.allocate(1);
    private final ByteBuffer discard = ByteBuffer.allocate(4096);
    private final SelectionKey acceptKey;
    private final Set<Pending> held = new HashSet<>();
    private volatile boolean closing;
    private int lingering;
    private long acceptPausedUntil;
    private long lastFailureLog;
    private long failuresSinceLog;

    /** @param receiver how admitted peers' descriptors are received, or null when this endpoint takes none */
    HelloGate(EndpointSpec<S, R> spec, PeerAdmission<S, R> admission, AFUNIXServerSocketChannel server, Path path,
              UnixSocketChannel.DescriptorReceiver receiver) throws IOException {
        this.spec = spec;
        this.admission = admission;
        this.server = server;
        this.path = path;
        this.receiver = receiver;
        this.handshake = Endpoints.helperHandshake(spec.kind());
        this.hello = handshake.ourHeader().getBytes(StandardCharsets.US_ASCII);
        this.selector = AFUNIXSelectorProvider.provider().openSelector();
        server.configureBlocking(false);
        this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
    }

    /** A connection not yet admitted: refused and lingering, or waiting for its hello line. */
    private final class Pending {
        final AFUNIXSocketChannel channel;
        final PeerIdentity peer;
        final ConnectionSlots.Slot slot;
        final boolean refused;
        final ByteBuffer out;
        final long deadline;
        final HeaderLine line = new HeaderLine();
        SelectionKey key;
        int discarded;
        String peerLine;

        Pending(AFUNIXSocketChannel channel, PeerIdentity peer, ConnectionSlots.Slot slot, boolean refused, ByteBuffer out, long deadline) {
            this.channel = channel;
            this.peer = peer;
            this.slot = slot;
            this.refused = refused;
            this.out = out;
            this.deadline = deadline;
        }
    }

    /** The gate's thread: until {@link #close}. */
    void run() {
        List<Pending> ready = new ArrayList<>();
        try {
            while (!closing) {
                try {
                    turn(ready);
                } catch (IOException | RuntimeException | LinkageError e) {
                    // One failed turn must not end the endpoint. Out of descriptors, even loading a class
                    // can fail (LinkageError); what failed is retried on the next turn.
                    if (closing || e instanceof ClosedSelectorException) {
                        return;
                    }
                    turnFailed(e);
                    pause();
                }
            }
        } finally {
            closeAll();
        }
    }

    /** Waits {@link #ACCEPT_BACKOFF} (or until {@link #close}) before the next turn; what became ready meanwhile stays ready. */
    private void pause() {
        try {
            selector.select(ACCEPT_BACKOFF.toMillis());
        } catch (IOException | RuntimeException e) {
            // the next turn meets the same problem and reports it
        }
    }

    private void turn(List<Pending> ready) throws IOException {
        long wait = millisToNextDeadline();
        // Not select(0): junixsocket's selector takes 0 as "do not wait" (a poll timeout), not "forever".
        if (wait == 0) {
            selector.select();
        } else {
            selector.select(wait);
        }
        for (SelectionKey key : selector.selectedKeys()) {
            try {
                if (key == acceptKey) {
                    acceptAll();
                } else if (held.contains((Pending) key.attachment())) {
                    Pending p = (Pending) key.attachment();
                    if (key.isValid()) {
                        step(key, p, ready);
                    } else {
                        // junixsocket reports a peer's hang-up as a selected but cancelled key, the channel still open.
                        hungUp(p);
                    }
                }
            } catch (CancelledKeyException e) {
                // closed while being handled: nothing left to do for it
            }
        }
        selector.selectedKeys().clear();
        expire();
        resumeAccepting();
        handOver(ready);
    }

    /** Stops accepting and drops every connection not yet admitted. */
    void close() {
        closing = true;
        selector.wakeup();
    }

    /** Milliseconds until the nearest deadline (at least 1), or 0 when there is none. */
    private long millisToNextDeadline() {
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Pending p : held) {
            next = Math.min(next, p.deadline);
        }
        if (acceptPausedUntil != 0) {
            next = Math.min(next, acceptPausedUntil);
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now) / 1_000_000 + 1);
    }

    private void acceptAll() {
        while (true) {
            AFUNIXSocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                pauseAccepting(e);
                return;
            }
            if (channel == null) {
                return;
            }
            open(channel);
        }
    }

    /**
     * Takes a new connection: decides, then answers (refused) or waits for its line (admitted).
     * Whatever fails, the connection is held or closed, and a slot is never left claimed.
     */
    private void open(AFUNIXSocketChannel channel) {
        Pending p = null;
        try {
            channel.configureBlocking(false);
            PeerIdentity peer = UnixSocketChannel.identity(channel.getPeerCredentials());
            PeerAdmission.Decision decision = admission.decide(peer);
            long now = System.nanoTime();
            if (decision.refusal() != null) {
                refuse(channel, peer, decision.refusal(), now);
                admission.logRefusal(peer, decision.refusal());
                return;
            }
            p = hold(new Pending(channel, peer, decision.slot(), false, ByteBuffer.wrap(hello), now + Endpoints.HANDSHAKE_TIMEOUT.toNanos()));
            channel.write(p.out);
            p.key = channel.register(selector, p.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ, p);
        } catch (IOException e) {
            letGo(channel, p);
            log.debug("{} endpoint: could not take a connection: {}", spec.name(), e.toString());
        } catch (RuntimeException | LinkageError e) {
            letGo(channel, p);
            throw e;
        }
    }

    private void letGo(AFUNIXSocketChannel channel, Pending p) {
        if (p != null) {
            drop(p);
        } else if (!isHeld(channel)) {
            closeQuietly(channel);
        }
    }

    private Pending hold(Pending p) {
        held.add(p);
        if (p.refused) {
            lingering++;
        }
        return p;
    }

    private boolean isHeld(AFUNIXSocketChannel channel) {
        for (Pending p : held) {
            if (p.channel == channel) {
                return true;
            }
        }
        return false;
    }

    /** Our line and the error go out at once; then the peer gets a moment to read them, unless too many already linger. */
    private void refuse(AFUNIXSocketChannel channel, PeerIdentity peer, String reason, long now) throws IOException {
        byte[] frame = codec.encode(admission.refusalFrame(reason));
        ByteBuffer out = ByteBuffer.allocate(hello.length + frame.length).put(hello).put(frame).flip();
        channel.write(out);
        if (lingering >= MAX_LINGERING) {
            // Under a flood: tell it if the buffer took it, but keep nothing open for it.
            closeQuietly(channel);
            return;
        }
        if (!out.hasRemaining()) {
            channel.shutdownOutput();
        }
        Pending p = hold(new Pending(channel, peer, admission.lingering(peer), true, out, now + REFUSAL_LINGER.toNanos()));
        p.key = channel.register(selector, out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ, p);
    }

    private void step(SelectionKey key, Pending p, List<Pending> ready) {
        try {
            if (key.isWritable() && p.out.hasRemaining()) {
                p.channel.write(p.out);
                if (!p.out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                    if (p.refused) {
                        p.channel.shutdownOutput();
                    } else if (p.peerLine != null) {
                        admitted(key, p, ready);
                        return;
                    }
                }
            }
            if (key.isReadable()) {
                if (p.refused) {
                    discardInput(key, p);
                } else {
                    readHello(key, p, ready);
                }
            }
        } catch (IOException e) {
            drop(p);
            if (!p.refused) {
                admission.logHelloFailure(p.peer, "I/O error reading the hello line: " + e.getMessage(), true);
            }
        }
    }

    private void discardInput(SelectionKey key, Pending p) throws IOException {
        while (true) {
            discard.clear();
            int n = p.channel.read(discard);
            if (n == 0) {
                return;
            }
            p.discarded += Math.max(0, n);
            if (n < 0 || p.discarded > REFUSAL_DISCARD_LIMIT) {
                drop(p);
                return;
            }
        }
    }

    /** Byte by byte: not one byte past the newline may be taken from the frames that follow. */
    private void readHello(SelectionKey key, Pending p, List<Pending> ready) throws IOException {
        while (p.peerLine == null) {
            oneByte.clear();
            int n = p.channel.read(oneByte);
            if (n == 0) {
                return;
            }
            if (n < 0) {
                failHello(p, Handshake.endedEarly(p.line.length()).getMessage(), p.line.length() == 0);
                return;
            }
            try {
                p.peerLine = p.line.add(oneByte.get(0));
            } catch (HandshakeException e) {
                failHello(p, e.getMessage(), false);
                return;
            }
        }
        try {
            handshake.negotiate(p.peerLine);
        } catch (HandshakeException e) {
            failHello(p, e.getMessage(), false);
            return;
        }
        if (p.out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_WRITE); // our line first; its frames wait in the socket meanwhile
        } else {
            admitted(key, p, ready);
        }
    }

    private void admitted(SelectionKey key, Pending p, List<Pending> ready) {
        key.cancel();
        held.remove(p);
        ready.add(p);
    }

    /** Drops first, then logs: out of descriptors, logging can fail (a class to load), and the descriptor must go regardless. */
    private void failHello(Pending p, String reason, boolean silentProbe) {
        drop(p);
        admission.logHelloFailure(p.peer, reason, silentProbe);
    }

    private void hungUp(Pending p) {
        drop(p);
        if (!p.refused) {
            admission.logHelloFailure(p.peer, Handshake.endedEarly(p.line.length()).getMessage(), p.line.length() == 0);
        }
    }

    /** Deadlines, and connections closed without the selector telling. */
    private void expire() {
        long now = System.nanoTime();
        for (Pending p : List.copyOf(held)) {
            if (!p.channel.isOpen()) {
                hungUp(p);
            } else if (now - p.deadline >= 0) {
                if (p.refused) {
                    drop(p);
                } else {
                    failHello(p, "handshake timed out after " + Endpoints.HANDSHAKE_TIMEOUT.toMillis()
                            + " ms waiting for the peer's header", p.line.length() == 0);
                }
            }
        }
    }

    /** Admitted peers leave the selector and are served in blocking mode by their speaker. */
    private void handOver(List<Pending> ready) throws IOException {
        if (ready.isEmpty()) {
            return;
        }
        selector.selectNow(); // deregisters their cancelled keys
        while (!ready.isEmpty()) {
            Pending p = ready.remove(0);
            try {
                p.channel.configureBlocking(true);
                AFUNIXSocket socket = (AFUNIXSocket) p.channel.socket();
                UnixSocketChannel<S, R> channel = receiver == null
                        ? UnixSocketChannel.wrap(socket, spec.parser(), codec, path.toString())
                        : UnixSocketChannel.wrap(socket, spec.parser(), codec, path.toString(), receiver);
                admission.start(channel, p.slot);
            } catch (IOException | RuntimeException e) {
                log.warn("{} endpoint: could not start serving {}: {}", spec.name(), p.peer, e.toString());
                drop(p);
            }
        }
    }

    /** Accepting failed (EMFILE, ENFILE...): stop asking for a moment rather than spin on the same error. */
    private void pauseAccepting(Throwable e) {
        acceptPausedUntil = System.nanoTime() + ACCEPT_BACKOFF.toNanos();
        acceptKey.interestOps(0);
        logFailure("accepting failed; pausing and retrying", e);
    }

    /** A turn failed outside accept: pause accepting too, since the cause is usually the same shortage. */
    private void turnFailed(Throwable e) {
        acceptPausedUntil = System.nanoTime() + ACCEPT_BACKOFF.toNanos();
        acceptKey.interestOps(0);
        logFailure("handling connections failed; pausing accepting and retrying", e);
    }

    /** At most one line per interval, however often it fails. */
    private void logFailure(String what, Throwable e) {
        long now = System.nanoTime();
        failuresSinceLog++;
        if (lastFailureLog == 0 || now - lastFailureLog >= ACCEPT_FAILURE_LOG_INTERVAL.toNanos()) {
            log.atError().setMessage(what).addKeyValue("endpoint", spec.name())
                    .addKeyValue("reason", e.getMessage() == null ? e.toString() : e.getMessage())
                    .addKeyValue("failuresSinceLastLine", failuresSinceLog).addKeyValue("pauseMillis", ACCEPT_BACKOFF.toMillis()).log();
            lastFailureLog = now;
            failuresSinceLog = 0;
        }
    }

    private void resumeAccepting() {
        if (acceptPausedUntil != 0 && System.nanoTime() - acceptPausedUntil >= 0) {
            acceptPausedUntil = 0;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Forgets a connection that is not handed over: closed, its slot released, exactly once. */
    private void drop(Pending p) {
        if (held.remove(p) && p.refused) {
            lingering--;
        }
        if (p.key != null) {
            p.key.cancel();
        }
        p.slot.release();
        closeQuietly(p.channel);
    }

    private void closeAll() {
        for (Pending p : List.copyOf(held)) {
            drop(p);
        }
        closeQuietly(selector);
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // giving up on it either way
        }
    }
}
