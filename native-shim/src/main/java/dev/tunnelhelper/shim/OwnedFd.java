package dev.tunnelhelper.shim;

import java.util.concurrent.atomic.AtomicInteger;

/** A raw descriptor this object closes exactly once, unless ownership is {@link #release() released}. */
public final class OwnedFd implements AutoCloseable {
    private static final int CLOSED = -1;
    private final AtomicInteger fd;

    private OwnedFd(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid fd " + fd);
        }
        this.fd = new AtomicInteger(fd);
    }

    /** Takes ownership of {@code fd}: closing this object closes it. */
    public static OwnedFd adopt(int fd) {
        return new OwnedFd(fd);
    }

    /** The descriptor number; throws once closed or released so a stale number is never reused. */
    public int get() {
        int value = fd.get();
        if (value == CLOSED) {
            throw new IllegalStateException("fd already closed or released");
        }
        return value;
    }

    public boolean isOpen() {
        return fd.get() != CLOSED;
    }

    /** Hands the descriptor to the caller, who must close it. */
    public int release() {
        int value = fd.getAndSet(CLOSED);
        if (value == CLOSED) {
            throw new IllegalStateException("fd already closed or released");
        }
        return value;
    }

    @Override
    public void close() {
        int value = fd.getAndSet(CLOSED);
        if (value != CLOSED) {
            ErrorBuffer err = new ErrorBuffer();
            err.check(NativeShim.get().library().th_close(value, err.bytes, err.size()));
        }
    }

    @Override
    public String toString() {
        int value = fd.get();
        return value == CLOSED ? "OwnedFd[closed]" : "OwnedFd[" + value + "]";
    }
}
