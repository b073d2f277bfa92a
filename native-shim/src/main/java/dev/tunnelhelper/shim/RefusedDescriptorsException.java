package dev.tunnelhelper.shim;

/**
 * A peer sent more descriptors with one message than the receiver accepts, or more than fit:
 * a protocol violation. Every descriptor it sent has been closed by the time this is thrown.
 */
public final class RefusedDescriptorsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefusedDescriptorsException(String message) {
        super(message);
    }
}
