package dev.tunnelhelper.helper.session;

/** The network extension answered that it could not apply the settings; the message is its own. */
public final class SettingsRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public SettingsRefusedException(String extensionsReason) {
        super(extensionsReason);
    }
}
