package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.relay.TunnelFrame;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.shim.ExitStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A spawned tunnel as the session drives it: its pipes, its exit, and the means to end it. */
public interface RunningTunnel extends AutoCloseable {

    int pid();

    /**
     * Handshakes as manager on the tunnel's pipes (blocking, at most {@code handshakeTimeout}),
     * then returns a speaker on the framed stream; {@code handler} gets the tunnel's requests
     * and one-way messages.
     *
     * @throws dev.tunnelhelper.protocol.HandshakeException with the reason the handshake failed
     */
    Speaker<ManagerMessage, TunnelFrame> connect(
            Duration handshakeTimeout, Speaker.Handler<ManagerMessage, TunnelFrame> handler) throws IOException;

    /** Completes with the exit status once the child has been reaped. */
    CompletableFuture<ExitStatus> exit();

    /** SIGTERM, SIGKILL after {@code grace}, reaped; blocks until then. Completes {@link #exit()}. */
    ExitStatus terminate(Duration grace);

    /** Closes the helper's ends of the pipes; the child must have exited or be terminated first. */
    @Override
    void close();
}
