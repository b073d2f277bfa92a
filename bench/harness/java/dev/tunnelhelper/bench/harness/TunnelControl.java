package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The benchmark tunnel's control socket (bench/harness/c/tunnel.c): one line in, one line out. */
final class TunnelControl {
    private TunnelControl() {}

    /** Sets the tunnel's peer state to {@code agents} agents (it sends the manager the delta first). */
    static void agents(Path socket, int agents) {
        String reply = command(socket, "agents " + agents);
        if (!reply.startsWith("ok agents " + agents + " ")) {
            throw new MeasurementException("the tunnel at " + socket + " answered \"" + reply + "\" to agents " + agents);
        }
    }

    static String command(Path socket, String line) {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(512);
            while (in.hasRemaining()) {
                if (channel.read(in) < 0 || new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).contains("\n")) {
                    break;
                }
            }
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new MeasurementException("the tunnel's control socket " + socket + ": " + e.getMessage());
        }
    }
}
