package dev.tunnelhelper.shim;

/**
 * Receives events for XPC connections. Called on XPC's dispatch threads (attached to the JVM as
 * daemon threads); an exception thrown here is logged and never reaches native code.
 */
public interface XpcHandler {

    /**
     * A new peer on a listener, before it is resumed: set its requirement here (later is too late:
     * {@link XpcConnection#setPeerRequirement} then fails). False rejects it.
     */
    default boolean accept(XpcConnection peer) {
        return true;
    }

    /** {@code reply} is null unless the sender waits for an answer; then answer or discard it exactly once. */
    void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply);

    /** The connection was interrupted, invalidated or cancelled. */
    default void onError(XpcConnection connection, String description) {}

    /**
     * An XPC error event, with its kind: a peer refused by its code-signing requirement
     * ({@link XpcError.Kind#PEER_CODE_SIGNING_REQUIREMENT}) can be told apart from a connection
     * that ended. By default it is passed on as {@link #onError(XpcConnection, String)}.
     */
    default void onError(XpcConnection connection, XpcError error) {
        onError(connection, error.description());
    }

    /**
     * The listener itself failed, e.g. {@link XpcError.Kind#CONNECTION_INVALID} because no loaded
     * launchd job lets this process serve the name: no peer will ever arrive.
     */
    default void onListenerError(XpcError error) {}
}
