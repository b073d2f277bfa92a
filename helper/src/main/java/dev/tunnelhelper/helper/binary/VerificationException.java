package dev.tunnelhelper.helper.binary;

/** A binary did not pass a {@link BinaryVerifier}; the message says what was wrong with it. */
public final class VerificationException extends Exception {

    public VerificationException(String message) {
        super(message);
    }

    public VerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
