package dev.tunnelhelper.shim;

/** The native shim could not be found or loaded for this platform. */
public final class ShimLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShimLoadException(String message) {
        super(message);
    }

    public ShimLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
