package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.vpn.RPC;
import java.io.FileDescriptor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RPC over a {@link MessageTransport}: numbers our requests from 1, routes replies by
 * {@code response_to}, delivers the peer's requests and one-way messages to a {@link Handler}.
 *
 * <p>Threads: one reader thread reads; one dispatcher thread delivers, one message at a time.
 * The dispatcher queue is bounded: when a handler falls behind, the reader stops reading and the
 * peer feels back-pressure instead of us buffering without limit.
 *
 * <p><b>Order.</b> Everything the peer sends is delivered in arrival order: the handler is called
 * for each request and one-way message, and a reply completes its request (its {@code onReply}
 * first, then its future), only after the handler has returned for every message that arrived
 * before it. When the peer closes or the stream breaks, pending requests fail only after every
 * message that arrived before the end has been delivered, so a one-way {@code error} sent just
 * before a close reaches the handler before any call fails. One exception keeps a handler from
 * waiting for itself: a request made on the dispatcher thread (from inside a handler) is
 * completed, or failed by the end of the stream, as soon as that happens. So a handler may make a
 * blocking call on its own speaker; it must not wait for a reply to a request another thread
 * made on it, and while it blocks, everything after its message waits.
 */
public final class Speaker<S, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Speaker.class);
    private static final int DISPATCH_QUEUE_CAPACITY = 1024;

    /** Receives the peer's requests and one-way messages. Exceptions are logged, never fatal. */
    @FunctionalInterface
    public interface Handler<S, R> {
        void onMessage(Incoming<S, R> incoming) throws Exception;
    }

    private final String name;
    private final MessageTransport<S, R> transport;
    private final RpcAccess<S, R> rpc;
    private final ProtocolVersion version;
    private final Handler<S, R> handler;
    private final Dispatcher dispatcher;
    private final AtomicLong nextMsgId = new AtomicLong(1);
    private final PendingCalls<R> pending;
    private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean shuttingDown = new AtomicBoolean();
    private volatile Throwable closeCause;
    private volatile boolean closing;
    private volatile boolean streamEnded;

    private Speaker(
            String name,
            MessageTransport<S, R> transport,
            RpcAccess<S, R> rpc,
            ProtocolVersion version,
            Handler<S, R> handler) {
        this.name = name;
        this.transport = transport;
        this.rpc = rpc;
        this.version = version;
        this.handler = handler;
        this.dispatcher = new Dispatcher("speaker-" + name + "-dispatch", DISPATCH_QUEUE_CAPACITY);
        this.pending = new PendingCalls<>(name);
    }

    /**
     * A speaker that does not read yet: whoever needs it before the first message arrives (a
     * connection handler keeping a reference) gets it now, then calls {@link #start()}.
     *
     * @param name    used in thread names, log lines and error messages (e.g. {@code tunnel})
     * @param version the negotiated protocol version, exposed to callers that gate features on it
     */
    public static <S, R> Speaker<S, R> open(
            String name,
            MessageTransport<S, R> transport,
            RpcAccess<S, R> rpc,
            ProtocolVersion version,
            Handler<S, R> handler) {
        return new Speaker<>(name, transport, rpc, version, handler);
    }

    /** {@link #open} and {@link #start()} in one. */
    public static <S, R> Speaker<S, R> start(
            String name,
            MessageTransport<S, R> transport,
            RpcAccess<S, R> rpc,
            ProtocolVersion version,
            Handler<S, R> handler) {
        Speaker<S, R> speaker = open(name, transport, rpc, version, handler);
        speaker.start();
        return speaker;
    }

    /** Starts reading and delivering; once. */
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("speaker " + name + " already started");
        }
        dispatcher.start();
        NamedThreads.start("speaker-" + name + "-reader", this::readLoop);
    }

    public ProtocolVersion version() {
        return version;
    }

    /** Sends a request; the future completes with the reply, or fails with {@link RpcTimeoutException} or {@link SpeakerClosedException}. */
    public CompletableFuture<R> request(S message, Duration timeout) {
        return request(message, List.of(), timeout, reply -> {});
    }

    /**
     * Sends a request; {@code onReply} runs on the reply in its turn (see the class comment), so
     * before the handler sees any message that arrived after the reply; then the future completes.
     */
    public CompletableFuture<R> request(S message, Duration timeout, Consumer<? super R> onReply) {
        return request(message, List.of(), timeout, onReply);
    }

    private CompletableFuture<R> request(
            S message, List<FileDescriptor> fds, Duration timeout, Consumer<? super R> onReply) {
        long id = nextMsgId.getAndIncrement();
        PendingCalls.Call<R> call = pending.register(id, onReply, dispatcher.isCurrentThread());
        // Checked after registering: either the closing side sees this entry or we see its flag.
        if (shuttingDown.get() || (call.fromDispatcher() && streamEnded)) {
            pending.fail(id, call, closedException());
            return call.reply();
        }
        try {
            transport.send(rpc.withRpc(message, RPC.newBuilder().setMsgId(id).build()), fds);
        } catch (IOException | RuntimeException e) {
            boolean ended = closing || streamEnded || shuttingDown.get();
            if (!ended || call.fromDispatcher() || shuttingDown.get()) {
                pending.fail(id, call, ended ? closedException() : e);
                return call.reply();
            }
            // The stream has ended: this fails with the others, once what arrived before the end is delivered.
        }
        pending.expireAfter(id, call, timeout);
        return call.reply();
    }

    /** Blocking form of {@link #request}. */
    public R call(S message, Duration timeout) throws IOException {
        return call(message, List.of(), timeout);
    }

    public R call(S message, List<FileDescriptor> fds, Duration timeout) throws IOException {
        return await(request(message, fds, timeout, reply -> {}));
    }

    /**
     * Waits for a reply future of this speaker, reporting failures as the blocking calls do: an
     * {@link IOException}, e.g. {@link RpcTimeoutException} or {@link SpeakerClosedException}.
     */
    public R await(CompletableFuture<R> reply) throws IOException {
        return Replies.await(reply, name);
    }

    /** Sends a one-way message (no rpc ids). */
    public void send(S message) throws IOException {
        send(message, List.of());
    }

    public void send(S message, List<FileDescriptor> fds) throws IOException {
        checkOpen();
        transport.send(message, fds);
    }

    /** Sends a one-way message encoded once for many connections ({@link EncodedFrame}). */
    public void sendEncoded(EncodedFrame<S> frame) throws IOException {
        checkOpen();
        transport.sendEncoded(frame);
    }

    /** See {@link MessageTransport#handOverWrites}: replies and one-way messages go to {@code outbox} from now on. */
    public <T> Optional<T> handOverWrites(FrameOutbox<S> outbox, IntFunction<T> takeSocket) throws IOException {
        checkOpen();
        return transport.handOverWrites(outbox, takeSocket);
    }

    void sendReply(long requestId, S response, List<FileDescriptor> fds) throws IOException {
        checkOpen();
        transport.send(
                rpc.withRpc(response, RPC.newBuilder().setResponseTo(requestId).build()), fds);
    }

    /** Number of requests still waiting for a reply. */
    public int pendingRequests() {
        return pending.size();
    }

    /**
     * Completes when the speaker has closed: with {@code null} after a clean end of stream or a
     * local close, with the error otherwise. After a local close at once; after the end of the
     * stream once everything that arrived before it has been delivered. Pending requests have
     * failed by then.
     */
    public CompletableFuture<Throwable> closeFuture() {
        return closed;
    }

    public boolean isClosed() {
        return shuttingDown.get();
    }

    /** Closes at once: pending requests fail, messages already queued are still delivered. */
    @Override
    public void close() {
        closing = true;
        dispatcher.refuseMessages();
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("{}: error closing transport", name, e);
        }
        shutDown(null);
    }

    private void readLoop() {
        Throwable cause = null;
        try {
            Envelope<R> envelope;
            while ((envelope = transport.receive()) != null) {
                route(envelope);
            }
            log.debug("{}: peer closed the stream", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            if (!closing) {
                cause = t;
                log.warn("{}: closing after read failure: {}", name, t.toString());
            }
        }
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("{}: error closing transport", name, e);
        }
        Throwable why = cause;
        closeCause = why;
        streamEnded = true;
        // A handler blocked on its own request would otherwise wait for the end queued behind it.
        pending.failAll(PendingCalls.Call::fromDispatcher, this::closedException);
        dispatcher.queueLast(() -> shutDown(why));
    }

    private void route(Envelope<R> envelope) throws InterruptedException {
        RPC ids = rpc.rpcOf(envelope.message());
        if (ids.getResponseTo() != 0) {
            // No reply of ours carries descriptors, and nobody would own them.
            FileDescriptors.closeQuietly(envelope.fds());
            PendingCalls.Call<R> call = pending.take(ids.getResponseTo());
            if (call == null) {
                log.warn("{}: dropping reply to unknown request id {}", name, ids.getResponseTo());
                return;
            }
            Runnable answer = () -> call.answer(envelope.message());
            if (call.fromDispatcher()) {
                answer.run();
            } else if (!dispatcher.runIfIdle(answer)) {
                dispatcher.queueReply(answer);
            }
            return;
        }
        Incoming<S, R> incoming = new Incoming<>(this, envelope.message(), envelope.fds(), ids.getMsgId());
        if (!dispatcher.queueMessage(() -> deliver(incoming))) {
            FileDescriptors.closeQuietly(envelope.fds());
        }
    }

    private void deliver(Incoming<S, R> incoming) {
        try {
            handler.onMessage(incoming);
        } catch (Throwable t) {
            log.error("{}: handler failed on {} message", name, incoming.isRequest() ? "a request" : "a one-way", t);
        }
    }

    private void shutDown(Throwable cause) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        closeCause = cause;
        // Pending calls fail before closeFuture completes, so whoever waits on it sees them failed.
        pending.failAll(call -> true, this::closedException);
        closed.complete(cause);
    }

    private SpeakerClosedException closedException() {
        Throwable cause = closeCause;
        String why = cause == null ? "closed" : "closed after " + cause.getMessage();
        return new SpeakerClosedException("speaker " + name + " is " + why, cause);
    }

    private void checkOpen() throws SpeakerClosedException {
        if (shuttingDown.get()) {
            throw closedException();
        }
    }
}
