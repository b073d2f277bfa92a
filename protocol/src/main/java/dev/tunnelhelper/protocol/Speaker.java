package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.vpn.RPC;
import java.io.FileDescriptor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RPC over a {@link MessageTransport}: numbers our requests from 1, routes replies by
 * {@code response_to}, delivers the peer's requests and one-way messages to a {@link Handler}.
 *
 * <p>Threads: one reader thread routes replies; one dispatcher thread runs the handler, in
 * arrival order, so a handler may itself make a blocking call on this speaker (the reader keeps
 * routing replies meanwhile). The dispatcher queue is bounded: when a handler falls behind, the
 * reader stops reading and the peer feels back-pressure instead of us buffering without limit.
 */
public final class Speaker<S, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Speaker.class);
    private static final int DISPATCH_QUEUE_CAPACITY = 1024;
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "speaker-rpc-timeouts");
        t.setDaemon(true);
        return t;
    });

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
    private final AtomicLong nextMsgId = new AtomicLong(1);
    private final Map<Long, CompletableFuture<R>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Runnable> dispatchQueue = new ArrayBlockingQueue<>(DISPATCH_QUEUE_CAPACITY);
    private final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean shuttingDown = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Throwable closeCause;
    private volatile boolean closing;

    private Speaker(String name, MessageTransport<S, R> transport, RpcAccess<S, R> rpc, ProtocolVersion version, Handler<S, R> handler) {
        this.name = name;
        this.transport = transport;
        this.rpc = rpc;
        this.version = version;
        this.handler = handler;
    }

    /**
     * Starts reading from {@code transport} at once.
     *
     * @param name    used in thread names, log lines and error messages (e.g. {@code tunnel})
     * @param version the negotiated protocol version, exposed to callers that gate features on it
     */
    public static <S, R> Speaker<S, R> start(String name, MessageTransport<S, R> transport, RpcAccess<S, R> rpc,
                                             ProtocolVersion version, Handler<S, R> handler) {
        Speaker<S, R> speaker = new Speaker<>(name, transport, rpc, version, handler);
        speaker.startThreads();
        return speaker;
    }

    public String name() {
        return name;
    }

    public ProtocolVersion version() {
        return version;
    }

    /** Sends a request; the future completes with the reply, or fails with {@link RpcTimeoutException} or {@link SpeakerClosedException}. */
    public CompletableFuture<R> request(S message, Duration timeout) {
        return request(message, List.of(), timeout);
    }

    public CompletableFuture<R> request(S message, List<FileDescriptor> fds, Duration timeout) {
        long id = nextMsgId.getAndIncrement();
        CompletableFuture<R> reply = new CompletableFuture<>();
        // Registered before sending: the reply may arrive before send() returns.
        pending.put(id, reply);
        // Checked after registering: either shutDown sees this entry or we see its flag.
        if (shuttingDown.get()) {
            pending.remove(id);
            reply.completeExceptionally(closedException());
            return reply;
        }
        try {
            transport.send(rpc.withRpc(message, RPC.newBuilder().setMsgId(id).build()), fds);
        } catch (IOException | RuntimeException e) {
            pending.remove(id);
            reply.completeExceptionally(shuttingDown.get() ? closedException() : e);
            return reply;
        }
        var timer = TIMEOUTS.schedule(() -> {
            if (pending.remove(id, reply)) {
                reply.completeExceptionally(new RpcTimeoutException(
                        "no reply from " + name + " to request " + id + " within " + timeout.toMillis() + " ms"));
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        reply.whenComplete((r, e) -> timer.cancel(false));
        return reply;
    }

    /** Blocking form of {@link #request}. */
    public R call(S message, Duration timeout) throws IOException {
        return call(message, List.of(), timeout);
    }

    public R call(S message, List<FileDescriptor> fds, Duration timeout) throws IOException {
        try {
            return request(message, fds, timeout).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for a reply from " + name);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("request to " + name + " failed: " + cause, cause);
        } catch (CancellationException e) {
            throw new IOException("request to " + name + " was cancelled", e);
        }
    }

    /** Sends a one-way message (no rpc ids). */
    public void send(S message) throws IOException {
        send(message, List.of());
    }

    public void send(S message, List<FileDescriptor> fds) throws IOException {
        checkOpen();
        transport.send(message, fds);
    }

    void sendReply(long requestId, S response, List<FileDescriptor> fds) throws IOException {
        checkOpen();
        transport.send(rpc.withRpc(response, RPC.newBuilder().setResponseTo(requestId).build()), fds);
    }

    /** Number of requests still waiting for a reply. */
    public int pendingRequests() {
        return pending.size();
    }

    /**
     * Completes when the speaker has closed: with {@code null} after a clean end of stream or a
     * local close, with the error otherwise. Pending requests have failed by then.
     */
    public CompletableFuture<Throwable> closeFuture() {
        return closed;
    }

    public boolean isClosed() {
        return shuttingDown.get();
    }

    @Override
    public void close() {
        closing = true;
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("{}: error closing transport", name, e);
        }
        shutDown(null);
    }

    private void startThreads() {
        Thread reader = new Thread(this::readLoop, "speaker-" + name + "-reader");
        reader.setDaemon(true);
        Thread dispatcher = new Thread(this::dispatchLoop, "speaker-" + name + "-dispatch");
        dispatcher.setDaemon(true);
        dispatcher.start();
        reader.start();
    }

    private void readLoop() {
        Throwable cause = null;
        try {
            Envelope<R> inbound;
            while ((inbound = transport.receive()) != null) {
                route(inbound);
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
        shutDown(cause);
    }

    private void route(Envelope<R> inbound) throws InterruptedException {
        RPC ids = rpc.rpcOf(inbound.message());
        if (ids.getResponseTo() != 0) {
            // No reply of ours carries descriptors, and nobody would own them.
            FileDescriptors.closeQuietly(inbound.fds());
            CompletableFuture<R> waiter = pending.remove(ids.getResponseTo());
            if (waiter == null) {
                log.warn("{}: dropping reply to unknown request id {}", name, ids.getResponseTo());
            } else {
                waiter.complete(inbound.message());
            }
            return;
        }
        Incoming<S, R> incoming = new Incoming<>(this, inbound.message(), inbound.fds(), ids.getMsgId());
        dispatchQueue.put(() -> deliver(incoming));
    }

    private void deliver(Incoming<S, R> incoming) {
        try {
            handler.onMessage(incoming);
        } catch (Throwable t) {
            log.error("{}: handler failed on {} message", name, incoming.isRequest() ? "a request" : "a one-way", t);
        }
    }

    private void dispatchLoop() {
        try {
            while (true) {
                Runnable task = dispatchQueue.take();
                if (task == STOP_DISPATCH) {
                    return;
                }
                task.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Runnable STOP_DISPATCH = () -> { };

    private void shutDown(Throwable cause) {
        if (!shuttingDown.compareAndSet(false, true)) {
            return;
        }
        closeCause = cause;
        // Pending calls fail before closeFuture completes, so whoever waits on it sees them failed.
        SpeakerClosedException failure = closedException();
        pending.values().forEach(f -> f.completeExceptionally(failure));
        pending.clear();
        closed.complete(cause);
        // Messages already queued are still delivered; the stop marker goes behind them.
        Thread stopper = new Thread(() -> {
            try {
                dispatchQueue.put(STOP_DISPATCH);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "speaker-" + name + "-stop");
        stopper.setDaemon(true);
        stopper.start();
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
