package dev.tunnelhelper.netext;

/**
 * The optional parts of {@code StartDaemon}.
 *
 * @param dangerouslyDisableSignatureValidation honoured only if the helper's config allows it
 * @param deviceId empty: not sent
 * @param deviceOs empty: the helper uses its own OS
 */
public record StartFlags(boolean dangerouslyDisableSignatureValidation, String deviceId, String deviceOs) {
    public static final StartFlags DEFAULT = new StartFlags(false, "", "");
}
