package dev.tunnelhelper.shim;

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

    void close() throws IOException {
        close(() -> {});
    }

    /**
     * Closes the descriptor, then runs {@code release} under the same lock: no I/O is running
     * then and none will run again, so what the I/O used (a stream's native buffer) can be freed.
     */
    void close(Runnable release) throws IOException {
        closed = true;
        synchronized (lock) {
            try {
                fd.close();
            } catch (NativeException e) {
                throw new IOException(e.getMessage(), e);
            } finally {
                release.run();
            }
        }
    }
}
