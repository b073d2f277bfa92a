package dev.tunnelhelper.bench;

import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.ProtocolVersion;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.StreamTransport;
import dev.tunnelhelper.protocol.VpnRpc;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.vpn.GetPeerUpdate;
import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.PeerUpdate;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round-trip latency over two kernel pipes, the wiring between helper and tunnel.
 * {@code rawPipePingPong} (a thread echoing 16 bytes) is the baseline; {@code speakerRpc} is a
 * full {@code get_peer_update} RPC through two {@link Speaker}s on the same kind of pipes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PipeRoundTripBenchmark {

    @State(Scope.Benchmark)
    public static class RawPipes {
        InputStream in;
        OutputStream out;
        Pipe there;
        Pipe back;
        Thread echo;
        final byte[] ping = new byte[16];
        final byte[] pong = new byte[16];

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            there = Pipe.open();
            back = Pipe.open();
            out = Channels.newOutputStream(there.sink());
            in = Channels.newInputStream(back.source());
            InputStream echoIn = Channels.newInputStream(there.source());
            OutputStream echoOut = Channels.newOutputStream(back.sink());
            echo = NamedThreads.start("raw-echo", () -> {
                byte[] buf = new byte[16];
                try {
                    while (true) {
                        readFully(echoIn, buf);
                        echoOut.write(buf);
                    }
                } catch (IOException e) {
                    // pipes closed at teardown
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            there.sink().close();
            back.source().close();
            there.source().close();
            back.sink().close();
        }
    }

    @State(Scope.Benchmark)
    public static class Speakers {
        Speaker<ManagerMessage, TunnelMessage> manager;
        Speaker<TunnelMessage, ManagerMessage> tunnel;
        final ManagerMessage request = ManagerMessage.newBuilder().setGetPeerUpdate(GetPeerUpdate.getDefaultInstance()).build();

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            Pipe toTunnel = Pipe.open();
            Pipe toManager = Pipe.open();
            ProtocolVersion v = new ProtocolVersion(1, 3);
            TunnelMessage reply = TunnelMessage.newBuilder().setPeerUpdate(PeerUpdate.getDefaultInstance()).build();
            tunnel = Speaker.start("manager", new StreamTransport<>(Channels.newInputStream(toTunnel.source()),
                    Channels.newOutputStream(toManager.sink()), () -> {
                        toTunnel.source().close();
                        toManager.sink().close();
                    }, ManagerMessage.parser(), new FrameCodec()), VpnRpc.TUNNEL, v, in -> in.reply(reply));
            manager = Speaker.start("tunnel", new StreamTransport<>(Channels.newInputStream(toManager.source()),
                    Channels.newOutputStream(toTunnel.sink()), () -> {
                        toManager.source().close();
                        toTunnel.sink().close();
                    }, TunnelMessage.parser(), new FrameCodec()), VpnRpc.MANAGER, v, in -> { });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
            tunnel.close();
        }
    }

    @Benchmark
    public byte[] rawPipePingPong(RawPipes p) throws IOException {
        p.out.write(p.ping);
        readFully(p.in, p.pong);
        return p.pong;
    }

    @Benchmark
    public TunnelMessage speakerRpc(Speakers s) throws IOException {
        return s.manager.call(s.request, Duration.ofSeconds(10));
    }

    static void readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                throw new IOException("closed");
            }
            n += r;
        }
    }
}
