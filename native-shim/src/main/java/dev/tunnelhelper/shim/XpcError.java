package dev.tunnelhelper.shim;

/** An XPC error event: which of XPC's error objects it was, and its description. */
public record XpcError(Kind kind, String description) {

    /** XPC's error objects (TH_XPC_ERROR_* in shim.h). */
    public enum Kind {
        /** Cancelled, the service could not be found, or a server-side peer went away: final. */
        CONNECTION_INVALID,
        /** A named service's process went away; the next send relaunches it on demand. */
        CONNECTION_INTERRUPTED,
        /** A message from the peer did not satisfy the code-signing requirement and was dropped. */
        PEER_CODE_SIGNING_REQUIREMENT,
        OTHER;

        static Kind fromNative(int code) {
            return switch (code) {
                case 1 -> CONNECTION_INVALID;
                case 2 -> CONNECTION_INTERRUPTED;
                case 3 -> PEER_CODE_SIGNING_REQUIREMENT;
                default -> OTHER;
            };
        }
    }
}
