package dev.tunnelhelper.shim;

import com.sun.jna.Memory;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Lets one thread close a descriptor while another is blocked reading or writing it.
 *
 * <p>close(2) does not wake a thread blocked in read(2) on Linux, and a descriptor number freed
 * by close can be reused at once by an unrelated open: a read that raced the close would then
 * read someone else's file. So I/O waits with poll(2), and the wait, plus the read or write that
 * follows a ready poll, runs under the same lock that close takes: no I/O ever reaches a number
 * that was closed. The wait also watches a pipe of the stream's own (made at its first wait),
 * into which close writes a byte before it takes the lock, so a blocked reader or writer lets go
 * of the lock at once. Waiting in short slices instead, as before, woke each blocked stream 20
 * times a second for as long as it waited: the tunnel's pipe and its output, for as long as a
 * tunnel runs (docs/performance.md, stop 32). The slice that remains is only a bound in case a
 * wake-up is ever lost.
 */
final class FdStreamGuard {
    /** How long one wait lasts before the stream looks again; close does not wait for it. */
    static final Duration SLICE = Duration.ofSeconds(30);

    private static final byte[] WAKE_BYTE = {1};

    private final OwnedFd fd;
    private final Object lock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Made under {@link #lock} at the first wait; closed by the first {@link #close}, under it. */
    private volatile Pipe wake;
    /** The stream's native buffer ({@link #buffer}); used and freed only under {@link #lock}. */
    private Memory buffer;

    FdStreamGuard(OwnedFd fd) {
        this.fd = fd;
    }

    interface Io {
        int run(int fd);
    }

    interface Ready {
        /** Whether {@code fd} is ready, waiting up to {@code slice} unless {@code wakeFd} becomes readable. */
        boolean await(int fd, int wakeFd, Duration slice);
    }

    /** Waits until {@code ready}, then runs {@code io}; an IOException once closed. */
    int perform(Ready ready, Io io) throws IOException {
        try {
            while (true) {
                synchronized (lock) {
                    if (closed.get()) {
                        throw new IOException("stream closed");
                    }
                    int n = fd.get();
                    int wakeFd = wakeFd();
                    // A close that came before the pipe existed wrote no byte to it: look again.
                    if (closed.get()) {
                        throw new IOException("stream closed");
                    }
                    if (ready.await(n, wakeFd, SLICE)) {
                        return io.run(n);
                    }
                }
            }
        } catch (NativeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private int wakeFd() {
        Pipe pipe = wake;
        if (pipe == null) {
            pipe = Fds.pipe();
            wake = pipe;
        }
        return pipe.readEnd().get();
    }

    /**
     * The stream's native buffer of {@code size} bytes, allocated at first use: for the I/O that
     * {@link #perform} runs (under the lock), so that JNA reads and writes native memory instead of
     * copying a whole Java array in and out on every call (docs/performance.md, "The tunnel pipe's
     * reads"). Freed by {@link #close}, which waits for that I/O. One size per stream.
     */
    Memory buffer(int size) {
        if (buffer == null) {
            buffer = new Memory(size);
        }
        return buffer;
    }

    /** Closes the descriptor and frees the native buffer, once no I/O runs and none will run again. */
    void close() throws IOException {
        boolean first = closed.compareAndSet(false, true);
        Pipe waking = first ? wake : null;
        if (waking != null) {
            // Only the first close writes, and only it closes the pipe (below, after this write).
            try {
                Fds.write(waking.writeEnd().get(), WAKE_BYTE, 0, 1);
            } catch (NativeException e) {
                // Not woken, a blocked reader or writer lets go at the end of its slice: the close
                // is late, not lost.
            }
        }
        synchronized (lock) {
            try {
                fd.close();
            } catch (NativeException e) {
                throw new IOException(e.getMessage(), e);
            } finally {
                if (buffer != null) {
                    buffer.close();
                    buffer = null;
                }
                if (first && wake != null) {
                    wake.close();
                    wake = null;
                }
            }
        }
    }
}
