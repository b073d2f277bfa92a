package dev.tunnelhelper.helper.endpoint;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A running endpoint, whatever carries it (a Unix socket or an XPC Mach service). */
public interface EndpointListener extends AutoCloseable {
    /** A stage that never completes; minimal, so no caller can complete it for everyone. */
    CompletionStage<Void> NEVER = new CompletableFuture<Void>().minimalCompletionStage();

    /** Where peers reach it, for log lines: a socket path or a Mach service name. */
    String address();

    /** Connections counted against the limits: admitted ones and, on a Unix socket, those still before their hello line. */
    int openConnections();

    /** Completes once no connection is open (at once if none is): after a flood, everything it held is released. */
    java.util.concurrent.CompletableFuture<Void> drained();

    /**
     * Completes exceptionally with a {@link ListenerFailedException} if the listener stops
     * accepting peers on its own (an XPC listener whose Mach service launchd refused); never
     * completes otherwise. A Unix socket that listens keeps listening: it never completes.
     */
    default CompletionStage<Void> failure() {
        return NEVER;
    }

    /** Stops accepting; connections already handed out close with their peers. */
    @Override
    void close();
}
