package dev.tunnelhelper.shim;

import com.sun.jna.Memory;
import java.io.IOException;
import java.time.Duration;

/**
 * Lets one thread close a descriptor while another is blocked reading or writing it.
 *
 * <p>close(2) does not wake a thread blocked in read(2) on Linux, and a descriptor number freed
 * by close can be reused at once by an unrelated open: a read that raced the close would then
 * read someone else's file. So I/O waits with poll(2) in short slices, and each slice, plus the
 * read or write that follows a ready poll, runs under the same lock that close takes. A close
 * therefore waits at most one slice and no I/O ever reaches a number that was closed.
 */
final class FdStreamGuard {
    /** How long a close may wait for a blocked reader or writer to notice. */
    static final Duration SLICE = Duration.ofMillis(50);

    private final OwnedFd fd;
    private final Object lock = new Object();
    private volatile boolean closed;
    /** The stream's native buffer ({@link #buffer}); used and freed only under {@link #lock}. */
    private Memory buffer;

    FdStreamGuard(OwnedFd fd) {
        this.fd = fd;
    }

    interface Io {
        int run(int fd);
    }

    interface Ready {
        boolean await(int fd, Duration slice);
    }

    /** Waits until {@code ready}, then runs {@code io}; an IOException once closed. */
    int perform(Ready ready, Io io) throws IOException {
        try {
            while (true) {
                synchronized (lock) {
                    if (closed) {
                        throw new IOException("stream closed");
                    }
                    int n = fd.get();
                    if (ready.await(n, SLICE)) {
                        return io.run(n);
                    }
                }
            }
        } catch (NativeException e) {
            throw new IOException(e.getMessage(), e);
        }
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
        closed = true;
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
            }
        }
    }
}
