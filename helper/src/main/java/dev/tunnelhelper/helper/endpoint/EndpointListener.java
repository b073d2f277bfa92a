package dev.tunnelhelper.helper.endpoint;

/** A running endpoint, whatever carries it (a Unix socket or an XPC Mach service). */
public interface EndpointListener extends AutoCloseable {

    /** Where peers reach it, for log lines: a socket path or a Mach service name. */
    String address();

    /** Connections counted against the limits: admitted ones and, on a Unix socket, those still before their hello line. */
    int openConnections();

    /** Completes once no connection is open (at once if none is): after a flood, everything it held is released. */
    java.util.concurrent.CompletableFuture<Void> drained();

    /** Stops accepting; connections already handed out close with their peers. */
    @Override
    void close();
}
