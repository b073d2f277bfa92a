package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response as the acquisition's thread sees it: its status and headers, then its body as a
 * blocking stream with an idle and a total deadline. An {@link Exchange} on a thread of its own
 * does the blocking socket reads and hands over what arrives; so a deadline, an interrupt or a
 * close ends the wait at once here, while a socket read (which neither an interrupt nor a
 * deadline can end) only has to notice it once it returns. The exchange reads up to
 * {@link #WINDOW} buffers of {@link #CHUNK} bytes ahead, handed back as they are consumed, so it
 * keeps receiving while this side hashes and writes, and what a response can make the helper
 * hold is bounded.
 */
final class BodyStream extends InputStream {

    static final int WINDOW = 16;
    static final int CHUNK = 128 * 1024;

    /** What the exchange hands over first: the status line and the header fields. */
    record Head(int status, ResponseHeaders headers) {}

    /** A buffer of the exchange's and how many of its bytes arrived; the buffer goes back once read. */
    private static final class Chunk {
        private final byte[] bytes;
        private final int length;

        Chunk(byte[] bytes, int length) {
            this.bytes = bytes;
            this.length = length;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }
    }

    private static final Object COMPLETE = new Object();

    /** Handed to the exchange instead of a buffer once this side gave up: it stops reading. */
    private static final byte[] STOP = new byte[0];

    private final LinkedBlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<byte[]> returned = new LinkedBlockingQueue<>();
    private final Duration idleTimeout;
    private final long totalDeadlineNanos;
    private final String what;

    /** Written by the exchange's thread only. */
    private int allocated;

    private volatile boolean abandoned;
    private Chunk current;
    private int position;
    private boolean finished;
    private boolean closed;
    private long received;

    BodyStream(Duration idleTimeout, long totalDeadlineNanos, String what) {
        this.idleTimeout = idleTimeout;
        this.totalDeadlineNanos = totalDeadlineNanos;
        this.what = what;
    }

    // ---- the exchange's side ----

    void headArrived(Head head) {
        arrivals.add(head);
    }

    /** A buffer to read into, or null once this side has given up (the exchange stops then). */
    byte[] nextBuffer() throws InterruptedException {
        byte[] buffer = returned.poll();
        if (buffer == null && allocated < WINDOW && !abandoned) {
            allocated++;
            return new byte[CHUNK];
        }
        if (buffer == null) {
            buffer = returned.take();
        }
        return buffer == STOP ? null : buffer;
    }

    /** Hands over {@code length} bytes read into {@code buffer}; false once this side has given up. */
    boolean arrived(byte[] buffer, int length) {
        if (abandoned) {
            return false;
        }
        arrivals.add(new Chunk(buffer, length));
        return true;
    }

    void completed() {
        arrivals.add(COMPLETE);
    }

    void failed(Throwable cause) {
        arrivals.add(cause);
    }

    // ---- the acquisition's side ----

    /** Waits up to {@code wait} for the status and headers; gives up on the response if they do not come. */
    Head awaitHead(URI uri, Duration wait) throws TransferException {
        Object item;
        try {
            item = arrivals.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            abandon();
            Thread.currentThread().interrupt();
            throw new TransferException("interrupted while requesting " + uri);
        }
        if (item instanceof Head head) {
            return head;
        }
        abandon();
        // Our wait or the socket's read timeout (the same idle limit): either way, no answer.
        if (item == null || item instanceof SocketTimeoutException) {
            throw new TransferException("no response from " + uri + " within " + wait.toMillis() + " ms");
        }
        Throwable failure = (Throwable) item;
        throw new TransferException("request to " + uri + " failed: " + DeploymentHttp.describe(failure), failure);
    }

    /** Bytes that arrived on the wire so far (compressed, if the body is). */
    long received() {
        return received;
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
        while (current == null) {
            if (finished) {
                return -1;
            }
            takeNext();
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        received += n;
        if (position == current.length()) {
            returned.add(current.bytes());
            current = null;
        }
        return n;
    }

    private void takeNext() throws IOException {
        long totalLeft = totalDeadlineNanos - System.nanoTime();
        if (totalLeft <= 0) {
            abandon();
            throw totalTimeExceeded();
        }
        long wait = Math.min(idleTimeout.toNanos(), totalLeft);
        Object item;
        try {
            item = arrivals.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            throw new TransferException("interrupted while reading " + what);
        }
        if (item == null) {
            abandon();
            if (totalLeft <= idleTimeout.toNanos()) {
                throw totalTimeExceeded();
            }
            throw stalled();
        }
        if (item == COMPLETE) {
            finished = true;
            return;
        }
        if (item instanceof Throwable t) {
            finished = true;
            abandon();
            if (t instanceof SocketTimeoutException) {
                throw stalled();
            }
            throw new TransferException(what + " broke off after " + received + " bytes: " + describe(t), t);
        }
        Chunk chunk = (Chunk) item;
        if (chunk.length() == 0) {
            returned.add(chunk.bytes());
            return;
        }
        current = chunk;
        position = 0;
    }

    private TransferException stalled() {
        return new TransferException(
                what + " stalled: no data for " + idleTimeout.toMillis() + " ms (received " + received + " bytes)");
    }

    private TransferException totalTimeExceeded() {
        return new TransferException(
                what + " did not finish within the total time limit (received " + received + " bytes)");
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : PeerText.of(message);
    }

    /** Gives up on the response: the exchange stops at its next step and drops the connection. */
    private void abandon() {
        if (!abandoned) {
            abandoned = true;
            returned.add(STOP);
        }
    }

    /** Gives up on the rest of the body if it has not all arrived; the connection is not reused then. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!finished) {
                abandon();
            }
        }
    }
}
