package dev.tunnelhelper.protocol;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport that lets a test see where a speaker's reader is: which thread reads, and when it
 * asks for its n-th message (so everything before it has been routed).
 */
final class WatchedTransport<S, R> implements MessageTransport<S, R> {
    private final MessageTransport<S, R> inner;
    private final int watchedCall;
    private final AtomicInteger calls = new AtomicInteger();
    final CompletableFuture<Thread> reader = new CompletableFuture<>();
    /** Completes when the reader starts its {@code watchedCall}-th receive. */
    final CompletableFuture<Void> askedForMore = new CompletableFuture<>();

    WatchedTransport(MessageTransport<S, R> inner, int watchedCall) {
        this.inner = inner;
        this.watchedCall = watchedCall;
    }

    @Override
    public Envelope<R> receive() throws IOException {
        reader.complete(Thread.currentThread());
        if (calls.incrementAndGet() == watchedCall) {
            askedForMore.complete(null);
        }
        return inner.receive();
    }

    @Override
    public void send(S message, List<FileDescriptor> fds) throws IOException {
        inner.send(message, fds);
    }

    @Override
    public void sendEncoded(EncodedFrame<S> frame) throws IOException {
        inner.sendEncoded(frame);
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
