package dev.tunnelhelper.shim;

import java.io.IOException;
import java.io.InputStream;

/** read(2) on an owned descriptor; see {@link FdStreamGuard} for why reads poll first. */
final class FdInputStream extends InputStream {
    private final FdStreamGuard guard;

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
        if (len == 0) {
            return 0;
        }
        int n = guard.perform(Fds::waitReadable, fd -> Fds.read(fd, b, off, len));
        return n == 0 ? -1 : n;
    }

    @Override
    public void close() throws IOException {
        guard.close();
    }
}
