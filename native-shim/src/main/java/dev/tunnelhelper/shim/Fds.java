package dev.tunnelhelper.shim;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * Raw descriptor operations.
 *
 * <p>Streams over an fd use read(2)/write(2) through the shim rather than a
 * {@link java.io.FileDescriptor}: building one from an int needs reflection into java.base,
 * which Java 17 refuses without --add-opens; and reopening {@code /proc/self/fd/N} is
 * Linux-only and fails for sockets (a utun fd is a socket) and creates a new open file
 * description for pipes, so closing it would not close the original.
 */
public final class Fds {
    private Fds() {
    }

    public static void setCloexec(int fd, boolean on) {
        ErrorBuffer err = new ErrorBuffer();
        err.check(lib().th_set_cloexec(fd, on ? 1 : 0, err.bytes, err.size()));
    }

    public static boolean isCloexec(int fd) {
        ErrorBuffer err = new ErrorBuffer();
        return err.check(lib().th_get_cloexec(fd, err.bytes, err.size())) == 1;
    }

    /** A close-on-exec duplicate numbered 3 or higher. */
    public static OwnedFd dup(int fd) {
        ErrorBuffer err = new ErrorBuffer();
        return OwnedFd.adopt(err.check(lib().th_dup(fd, err.bytes, err.size())));
    }

    public static Pipe pipe() {
        int[] fds = new int[2];
        ErrorBuffer err = new ErrorBuffer();
        err.check(lib().th_pipe(fds, err.bytes, err.size()));
        return new Pipe(OwnedFd.adopt(fds[0]), OwnedFd.adopt(fds[1]));
    }

    /** Reads up to {@code len} bytes; 0 means end of file. */
    public static int read(int fd, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        byte[] target = off == 0 ? buf : new byte[len];
        ErrorBuffer err = new ErrorBuffer();
        int n = (int) err.check(lib().th_read(fd, target, len, err.bytes, err.size()));
        if (target != buf) {
            System.arraycopy(target, 0, buf, off, n);
        }
        return n;
    }

    /** Writes some of the bytes (as write(2)); returns how many. */
    public static int write(int fd, byte[] buf, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        byte[] source = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len);
        ErrorBuffer err = new ErrorBuffer();
        return (int) err.check(lib().th_write(fd, source, len, err.bytes, err.size()));
    }

    /** True when {@code fd} has data (or EOF) within {@code timeout}, false on timeout. */
    public static boolean waitReadable(int fd, java.time.Duration timeout) {
        ErrorBuffer err = new ErrorBuffer();
        return err.check(lib().th_wait_readable(fd, timeout.toMillis(), err.bytes, err.size())) == 1;
    }

    /** True when a write to {@code fd} would not block (or would fail at once) within {@code timeout}. */
    public static boolean waitWritable(int fd, java.time.Duration timeout) {
        ErrorBuffer err = new ErrorBuffer();
        return err.check(lib().th_wait_writable(fd, timeout.toMillis(), err.bytes, err.size())) == 1;
    }

    /**
     * A stream that owns {@code fd}: closing the stream closes the descriptor, and a close from
     * another thread ends a blocked read within {@link FdStreamGuard#SLICE}.
     */
    public static InputStream inputStream(OwnedFd fd) {
        return new FdInputStream(fd);
    }

    /** A stream that owns {@code fd}; like {@link #inputStream}, a close ends a blocked write promptly. */
    public static OutputStream outputStream(OwnedFd fd) {
        return new FdOutputStream(fd);
    }

    private static ShimLibrary lib() {
        return NativeShim.get().library();
    }
}
