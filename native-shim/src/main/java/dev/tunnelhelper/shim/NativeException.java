package dev.tunnelhelper.shim;

/** A failed native call: the errno and the shim's message, which already contains the strerror text. */
public final class NativeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NativeException(int errno, String message) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
