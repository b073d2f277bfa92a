package dev.tunnelhelper.netext;

/** Settings could not be applied; the message goes back to the tunnel as {@code error_message}. */
public final class SettingsApplyException extends Exception {
    private static final long serialVersionUID = 1L;

    public SettingsApplyException(String message) {
        super(message);
    }

    public SettingsApplyException(String message, Throwable cause) {
        super(message, cause);
    }
}
