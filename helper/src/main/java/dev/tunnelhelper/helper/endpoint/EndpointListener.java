package dev.tunnelhelper.helper.endpoint;

/** A running endpoint, whatever carries it (a Unix socket or an XPC Mach service). */
public interface EndpointListener extends AutoCloseable {

    /** Where peers reach it, for log lines: a socket path or a Mach service name. */
    String address();

    int openConnections();

    /** Stops accepting; connections already handed out close with their peers. */
    @Override
    void close();
}
