package dev.tunnelhelper.shim;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.InputStream;

/**
 * read(2) on an owned descriptor; see {@link FdStreamGuard} for why reads poll first.
 *
 * <p>Buffered: each read(2) asks for up to {@link #CHUNK} bytes into a native buffer of this
 * stream's own, and reads are served from it until it is empty. A frame reader asks for a 4-byte
 * length, then the payload; unbuffered, that was a poll and a read(2) for each, and passing the
 * caller's array to the shim made JNA copy all of it into native memory and back on every read,
 * whatever the read returned (reading a 1.2 MB frame from a pipe, 64 KiB per read, copied and
 * allocated tens of megabytes: docs/performance.md, "The tunnel pipe's reads"). The stream owns
 * its descriptor, so nothing else reads from it past what the buffer took.
 */
final class FdInputStream extends InputStream {
    /** A Linux pipe's default capacity: one read(2) never returns more from a pipe. */
    static final int CHUNK = 64 * 1024;

    private final FdStreamGuard guard;
    /** The unread bytes are those in [next, end) of the guard's buffer; guarded by the guard's lock. */
    private int next;

    private int end;

    FdInputStream(OwnedFd fd) {
        this.guard = new FdStreamGuard(fd);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int n = guard.perform(this::readableOrBuffered, fd -> {
            Memory buffer = guard.buffer(CHUNK);
            if (next == end) {
                next = 0;
                end = Fds.read(fd, buffer, CHUNK);
            }
            int taken = Math.min(len, end - next);
            buffer.read(next, b, off, taken);
            next += taken;
            return taken;
        });
        return n == 0 ? -1 : n;
    }

    /** Bytes already buffered: what a read returns without blocking. */
    @Override
    public int available() throws IOException {
        return guard.perform((fd, wakeFd, slice) -> true, fd -> end - next);
    }

    @Override
    public void close() throws IOException {
        guard.close();
    }

    /** Buffered bytes need no wait; else what the descriptor says within the slice. */
    private boolean readableOrBuffered(int fd, int wakeFd, java.time.Duration slice) {
        return next < end || Fds.waitReadyOrWoken(fd, Fds.POLLIN, wakeFd, slice);
    }
}
