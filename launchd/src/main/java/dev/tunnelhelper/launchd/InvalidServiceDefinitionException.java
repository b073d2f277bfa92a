package dev.tunnelhelper.launchd;

/** Input that would produce a plist or unit the OS rejects or that breaks the helper's contract. */
public final class InvalidServiceDefinitionException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidServiceDefinitionException(String message) {
        super(message);
    }
}
