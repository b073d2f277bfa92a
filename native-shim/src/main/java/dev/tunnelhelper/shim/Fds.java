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
    /** poll(2) events, the same numbers on Linux and macOS. */
    public static final int POLLIN = 0x1;

    public static final int POLLOUT = 0x4;

    /** What {@code th_recv_fds} reports for refused descriptors; the number differs by OS. */
    private static final int EPROTO = NativePlatform.current().isMac() ? 100 : 71;

    private Fds() {}

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

    /**
     * Reads up to {@code len} bytes into native memory; 0 means end of file. For streams: the
     * {@code byte[]} form costs a copy of the whole array into native memory and back on every
     * call (JNA's marshalling), whatever the read returns.
     */
    public static int read(int fd, com.sun.jna.Memory buf, int len) {
        java.util.Objects.checkFromIndexSize(0, len, buf.size());
        ErrorBuffer err = new ErrorBuffer();
        return (int) err.check(lib().th_read(fd, buf, len, err.bytes, err.size()));
    }

    /** Writes some of the first {@code len} bytes of native memory (as write(2)); returns how many. */
    public static int write(int fd, com.sun.jna.Memory buf, int len) {
        java.util.Objects.checkFromIndexSize(0, len, buf.size());
        ErrorBuffer err = new ErrorBuffer();
        return (int) err.check(lib().th_write(fd, buf, len, err.bytes, err.size()));
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

    /**
     * Waits until {@code fd} has one of {@code events} ({@link #POLLIN}, {@link #POLLOUT}; an
     * error or a hang-up count as ready, so the I/O that follows reports them) or {@code wakeFd} is
     * readable, for at most {@code timeout}: true when {@code fd} is ready; a
     * {@link NativeException} (EBADF) when it is not open. For a wait that another thread must be
     * able to end at once: it writes a byte to {@code wakeFd}'s pipe.
     */
    public static boolean waitReadyOrWoken(int fd, int events, int wakeFd, java.time.Duration timeout) {
        ErrorBuffer err = new ErrorBuffer();
        return err.check(lib().th_wait_ready_or_woken(fd, events, wakeFd, timeout.toMillis(), err.bytes, err.size()))
                == 1;
    }

    /**
     * One send(2) of the {@code len} bytes at {@code offset} of the direct buffer {@code bytes} to
     * the socket {@code sock} that never blocks, whatever the socket's mode: the number of bytes
     * the socket took, 0 when its send buffer is full. A peer that is gone is a
     * {@link NativeException} (EPIPE), not a signal.
     */
    public static int sendNoWait(int sock, java.nio.ByteBuffer bytes, int offset, int len) {
        if (!bytes.isDirect()) {
            throw new IllegalArgumentException("the bytes must be in a direct buffer");
        }
        java.util.Objects.checkFromIndexSize(offset, len, bytes.capacity());
        ErrorBuffer err = new ErrorBuffer();
        com.sun.jna.Pointer at =
                com.sun.jna.Native.getDirectBufferPointer(bytes).share(offset);
        return (int) err.check(lib().th_send_nowait(sock, at, len, err.bytes, err.size()));
    }

    /**
     * poll(2): waits until one of {@code fds} has one of its {@code events} ({@link #POLLIN},
     * {@link #POLLOUT}; an error or hang-up counts as ready) and fills {@code revents}. Returns
     * how many are ready; 0 when a signal interrupted the wait (the caller waits again).
     */
    public static int poll(int[] fds, int[] events, int[] revents, int count) {
        java.util.Objects.checkFromIndexSize(0, count, Math.min(fds.length, Math.min(events.length, revents.length)));
        ErrorBuffer err = new ErrorBuffer();
        return err.check(lib().th_poll(fds, events, revents, count, -1, err.bytes, err.size()));
    }

    /** What one {@link #receive} read: the bytes, and the descriptors that came with them (the caller owns them). */
    public record Received(int bytes, java.util.List<OwnedFd> fds) {
        public Received {
            fds = java.util.List.copyOf(fds);
        }
    }

    /**
     * One {@code recvmsg} of up to {@code len} bytes from the socket {@code fd} into {@code buf},
     * with the descriptors ({@code SCM_RIGHTS}) that travel with those bytes, received into room
     * for more than one message can carry, so the kernel never drops any silently.
     *
     * @return 0 bytes at end of stream
     * @throws RefusedDescriptorsException more than {@code maxFds} descriptors arrived, or the
     *         control data was truncated: every one of them has been closed already
     */
    public static Received receive(int fd, byte[] buf, int len, int maxFds) {
        java.util.Objects.checkFromIndexSize(0, len, buf.length);
        int[] fds = new int[Math.max(1, maxFds)];
        int[] count = new int[1];
        ErrorBuffer err = new ErrorBuffer();
        long result = lib().th_recv_fds(fd, buf, len, fds, maxFds, count, err.bytes, err.size());
        if (result == -EPROTO) {
            throw new RefusedDescriptorsException(err.text());
        }
        int n = (int) err.check(result);
        java.util.List<OwnedFd> owned = new java.util.ArrayList<>(count[0]);
        for (int i = 0; i < count[0]; i++) {
            owned.add(OwnedFd.adopt(fds[i]));
        }
        return new Received(n, owned);
    }

    /**
     * A stream that owns {@code fd}: closing the stream closes the descriptor, and a close from
     * another thread ends a blocked read at once (it wakes the read's wait: {@link FdStreamGuard}).
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
