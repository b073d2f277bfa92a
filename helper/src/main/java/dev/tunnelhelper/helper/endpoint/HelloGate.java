package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a Unix-socket endpoint does before a peer is admitted, for every connection at once
 * on one thread (a selector): accept, read the peer's kernel credentials and decide
 * ({@link Acceptor}); answer a refused peer ({@link RefusalLinger}); read an admitted peer's hello
 * line against a deadline ({@link HelloReader}). The connections it holds meanwhile are in
 * {@link HeldPeers}. Only a peer with a valid hello line costs threads: it is handed to
 * {@link PeerAdmission#start}. So the number of threads does not grow with the number of
 * connections, and a peer that connects and says nothing holds a counted slot and no thread.
 *
 * <p>The gate keeps its own list of the connections it holds, and checks it on every turn: when
 * a peer hangs up, junixsocket's selector cancels the key (reporting it selected once, already
 * invalid) and leaves the channel open, so the selector's keys alone would leak the connection.
 *
 * <p>A failed accept, and any other failure of one turn of the loop, pauses accepting
 * ({@link AcceptBackoff}); the gate keeps serving.
 */
final class HelloGate<S extends MessageLite, R> {
    private static final Logger log = LoggerFactory.getLogger(HelloGate.class);

    private final EndpointSpec<S, R> spec;
    private final PeerAdmission<S, R> admission;
    private final AFUNIXServerSocketChannel server;
    private final Selector selector;
    private final Path path;
    private final UnixSocketChannel.DescriptorReceiver receiver;
    private final HelloReader hello;
    private final FrameCodec codec = new FrameCodec();
    private final RefusalLinger refusals;
    private final AcceptBackoff backoff;
    private final HeldPeers held;
    private final SelectionKey acceptKey;
    private final Acceptor acceptor;
    private volatile boolean closing;

    /** @param receiver how admitted peers' descriptors are received, or null when this endpoint takes none */
    HelloGate(
            EndpointSpec<S, R> spec,
            PeerAdmission<S, R> admission,
            AFUNIXServerSocketChannel server,
            Path path,
            UnixSocketChannel.DescriptorReceiver receiver)
            throws IOException {
        this.spec = spec;
        this.admission = admission;
        this.server = server;
        this.path = path;
        this.receiver = receiver;
        this.hello = new HelloReader(spec.kind());
        byte[] ourLine = hello.ourLine().getBytes(StandardCharsets.US_ASCII);
        this.refusals = new RefusalLinger(admission, ourLine, codec);
        this.held = new HeldPeers(refusals);
        this.selector = AFUNIXSelectorProvider.provider().openSelector();
        server.configureBlocking(false);
        this.acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
        this.backoff = new AcceptBackoff(spec.name(), acceptKey);
        this.acceptor = new Acceptor(spec.name(), server, selector, admission, refusals, held, backoff, ourLine);
    }

    /** The gate's thread: until {@link #close}. */
    void run() {
        List<PendingPeer> ready = new ArrayList<>();
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
                    backoff.failed("handling connections failed; pausing accepting and retrying", e);
                    pause();
                }
            }
        } finally {
            closeAll();
        }
    }

    /** Waits {@link AcceptBackoff#ACCEPT_BACKOFF} (or until {@link #close}) before the next turn; what became ready meanwhile stays ready. */
    private void pause() {
        try {
            selector.select(AcceptBackoff.ACCEPT_BACKOFF.toMillis());
        } catch (IOException | RuntimeException e) {
            // the next turn meets the same problem and reports it
        }
    }

    private void turn(List<PendingPeer> ready) throws IOException {
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
                    acceptor.acceptAll();
                } else if (held.contains((PendingPeer) key.attachment())) {
                    PendingPeer p = (PendingPeer) key.attachment();
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
        backoff.resumeIfDue();
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
        long next = held.nextDeadline();
        if (backoff.pausedUntil() != 0) {
            next = Math.min(next, backoff.pausedUntil());
        }
        return next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now) / 1_000_000 + 1);
    }

    private void step(SelectionKey key, PendingPeer p, List<PendingPeer> ready) {
        try {
            if (key.isWritable() && p.out.hasRemaining() && p.flush()) {
                key.interestOps(SelectionKey.OP_READ);
                if (p.refused) {
                    refusals.answered(p);
                } else if (p.peerLine != null) {
                    admitted(p, ready);
                    return;
                }
            }
            if (key.isReadable()) {
                if (p.refused) {
                    if (refusals.discardInput(p)) {
                        held.drop(p);
                    }
                } else {
                    readHello(key, p, ready);
                }
            }
        } catch (IOException e) {
            held.drop(p);
            if (!p.refused) {
                admission.logHelloFailure(p.peer, "I/O error reading the hello line: " + e.getMessage(), true);
            }
        }
    }

    private void readHello(SelectionKey key, PendingPeer p, List<PendingPeer> ready) throws IOException {
        HelloReader.Outcome outcome = hello.read(p);
        if (outcome.failure() != null) {
            failHello(p, outcome);
        } else if (outcome.complete()) {
            if (p.out.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE); // our line first; its frames wait in the socket meanwhile
            } else {
                admitted(p, ready);
            }
        }
    }

    private void admitted(PendingPeer p, List<PendingPeer> ready) {
        held.admitted(p);
        ready.add(p);
    }

    /** Drops first, then logs: out of descriptors, logging can fail (a class to load), and the descriptor must go regardless. */
    private void failHello(PendingPeer p, HelloReader.Outcome outcome) {
        held.drop(p);
        admission.logHelloFailure(p.peer, outcome.failure(), outcome.silentProbe());
    }

    private void hungUp(PendingPeer p) {
        if (p.refused) {
            held.drop(p);
        } else {
            failHello(p, HelloReader.hungUp(p));
        }
    }

    /** Deadlines, and connections closed without the selector telling. */
    private void expire() {
        long now = System.nanoTime();
        for (PendingPeer p : held.all()) {
            if (!p.channel.isOpen()) {
                hungUp(p);
            } else if (p.expired(now)) {
                if (p.refused) {
                    held.drop(p);
                } else {
                    failHello(p, HelloReader.timedOut(p));
                }
            }
        }
    }

    /** Admitted peers leave the selector and are served in blocking mode by their speaker. */
    private void handOver(List<PendingPeer> ready) throws IOException {
        if (ready.isEmpty()) {
            return;
        }
        selector.selectNow(); // deregisters their cancelled keys
        while (!ready.isEmpty()) {
            PendingPeer p = ready.remove(0);
            try {
                p.channel.configureBlocking(true);
                AFUNIXSocket socket = (AFUNIXSocket) p.channel.socket();
                UnixSocketChannel<S, R> channel = receiver == null
                        ? UnixSocketChannel.wrap(socket, spec.parser(), codec, path.toString())
                        : UnixSocketChannel.wrap(socket, spec.parser(), codec, path.toString(), receiver);
                admission.start(channel, p.slot);
            } catch (IOException | RuntimeException e) {
                log.warn("{} endpoint: could not start serving {}: {}", spec.name(), p.peer, e.toString());
                held.drop(p);
            }
        }
    }

    private void closeAll() {
        for (PendingPeer p : held.all()) {
            held.drop(p);
        }
        closeQuietly(selector);
        closeQuietly(server);
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // giving up on it either way
        }
    }
}
