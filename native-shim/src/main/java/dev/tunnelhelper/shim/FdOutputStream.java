package dev.tunnelhelper.shim;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.OutputStream;

/**
 * write(2) on an owned descriptor; see {@link FdStreamGuard} for why writes poll first. Writes go
 * through a native buffer of the stream's own, for the reason {@link FdInputStream} gives.
 */
final class FdOutputStream extends OutputStream {
    /**
     * A ready poll promises room for one page (PIPE_BUF) on a pipe, not for everything: a bigger
     * blocking write(2) would wait for the reader while holding the guard, and a close would hang.
     */
    private static final int CHUNK = 4096;

    private final FdStreamGuard guard;

    FdOutputStream(OwnedFd fd) {
        this.guard = new FdStreamGuard(fd);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            int from = off + done;
            int size = Math.min(CHUNK, len - done);
            done += guard.perform((fd, wakeFd, slice) -> Fds.waitReadyOrWoken(fd, Fds.POLLOUT, wakeFd, slice), fd -> {
                Memory buffer = guard.buffer(CHUNK);
                buffer.write(0, b, from, size);
                return Fds.write(fd, buffer, size);
            });
        }
    }

    @Override
    public void close() throws IOException {
        guard.close();
    }
}
