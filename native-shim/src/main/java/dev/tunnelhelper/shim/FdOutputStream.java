package dev.tunnelhelper.shim;

import java.io.IOException;
import java.io.OutputStream;

/** write(2) on an owned descriptor; see {@link FdStreamGuard} for why writes poll first. */
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
        int done = 0;
        while (done < len) {
            int from = done;
            done += guard.perform(Fds::waitWritable, fd -> Fds.write(fd, b, off + from, Math.min(CHUNK, len - from)));
        }
    }

    @Override
    public void close() throws IOException {
        guard.close();
    }
}
