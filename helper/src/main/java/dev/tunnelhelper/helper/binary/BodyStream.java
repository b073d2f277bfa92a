package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as a blocking stream with an idle and a total deadline. The JDK's own
 * {@code ofInputStream} has neither (its read blocks forever on a stalled server), so this
 * subscribes to the body itself and cancels the transfer when a deadline passes. It asks for
 * {@link #WINDOW} chunk lists ahead (backpressure keeps memory bounded to that many of the
 * client's read buffers: 128 KiB each with the daemon's {@code jdk.httpclient.bufsize}), so the client's thread keeps receiving while the reader hashes and
 * writes, instead of the two handing each chunk over in lockstep.
 */
final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Object COMPLETE = new Object();
    static final int WINDOW = 16;

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration idleTimeout;
    private final long totalDeadlineNanos;
    private final String what;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> chunks = List.<ByteBuffer>of().iterator();
    private ByteBuffer current = ByteBuffer.allocate(0);
    private boolean finished;
    private boolean closed;
    private long received;

    BodyStream(Duration idleTimeout, long totalDeadlineNanos, String what) {
        this.idleTimeout = idleTimeout;
        this.totalDeadlineNanos = totalDeadlineNanos;
        this.what = what;
    }

    /** Bytes that arrived on the wire so far (compressed, if the body is). */
    long received() {
        return received;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(WINDOW);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(COMPLETE);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        while (!current.hasRemaining()) {
            if (chunks.hasNext()) {
                current = chunks.next();
                continue;
            }
            if (finished) {
                return -1;
            }
            takeNext();
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        received += n;
        return n;
    }

    @SuppressWarnings("unchecked")
    private void takeNext() throws IOException {
        long now = System.nanoTime();
        long totalLeft = totalDeadlineNanos - now;
        if (totalLeft <= 0) {
            cancel();
            throw totalTimeExceeded();
        }
        long wait = Math.min(idleTimeout.toNanos(), totalLeft);
        Object item;
        try {
            item = queue.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new TransferException("interrupted while reading " + what);
        }
        if (item == null) {
            cancel();
            if (totalLeft <= idleTimeout.toNanos()) {
                throw totalTimeExceeded();
            }
            throw new TransferException(
                    what + " stalled: no data for " + idleTimeout.toMillis() + " ms (received " + received + " bytes)");
        }
        if (item == COMPLETE) {
            finished = true;
            return;
        }
        if (item instanceof Throwable t) {
            finished = true;
            throw new TransferException(what + " broke off after " + received + " bytes: " + describe(t), t);
        }
        chunks = ((List<ByteBuffer>) item).iterator();
        subscription.request(1);
    }

    private TransferException totalTimeExceeded() {
        return new TransferException(
                what + " did not finish within the total time limit (received " + received + " bytes)");
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : PeerText.of(message);
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** Cancels the transfer if it is still running; the connection is not reused then. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!finished) {
                cancel();
            }
        }
    }
}
