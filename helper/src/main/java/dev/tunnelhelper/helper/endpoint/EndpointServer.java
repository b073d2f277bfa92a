package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.Error;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.util.function.Function;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint on a Unix socket: accepts connections, exchanges the hello line, checks the
 * peer's kernel credentials (a refused peer gets an error frame, then the connection closes),
 * and hands each accepted peer to a {@link ConnectionFactory} through {@link PeerAdmission}, which the
 * XPC carrier shares. Carrier-specific code stops here: handlers only see a {@link Speaker} over a {@link dev.tunnelhelper.protocol.Channel}.
 */
public final class EndpointServer<S extends MessageLite, R> implements EndpointListener {
    private static final Logger log = LoggerFactory.getLogger(EndpointServer.class);

    /** Creates the per-connection handler; {@code onClose} runs when the peer goes away. Shared by both carriers. */
    public interface ConnectionFactory<S, R> {
        Connection<S, R> open(String who);
    }

    /** A connection's behaviour. */
    public interface Connection<S, R> extends Speaker.Handler<S, R> {
        void attached(Speaker<S, R> speaker);

        void closed(Throwable cause);
    }

    private final String name;
    private final Path path;
    private final Endpoints.Kind kind;
    private final Parser<R> parser;
    private final PeerAdmission<S, R> admission;
    private AFUNIXServerSocket server;
    private volatile boolean closing;

    public EndpointServer(String name, Path path, Endpoints.Kind kind, Parser<R> parser, RpcAccess<S, R> rpc,
                          Function<Error, S> errorFrame, AccessPolicy policy, ConnectionFactory<S, R> factory) {
        this(new EndpointSpec<>(name, kind, parser, rpc, errorFrame, policy::refusal, factory), path);
    }

    public EndpointServer(EndpointSpec<S, R> spec, Path path) {
        this.name = spec.name();
        this.path = path;
        this.kind = spec.kind();
        this.parser = spec.parser();
        this.admission = new PeerAdmission<>(spec);
    }

    /** Binds the socket with {@code mode} (e.g. rw-------) and optional group, then accepts in the background. */
    public void start(String mode, GroupPrincipal group) throws IOException {
        SocketFile.claim(path);
        server = AFUNIXServerSocket.newInstance();
        server.bind(AFUNIXSocketAddress.of(path));
        SocketFile.protect(path, mode, group);
        log.atInfo().setMessage("listening").addKeyValue("endpoint", name).addKeyValue("path", path).addKeyValue("mode", mode)
                .addKeyValue("group", group == null ? "" : group.getName()).log();
        Thread acceptor = new Thread(this::acceptLoop, "endpoint-" + name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closing) {
            AFUNIXSocket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closing) {
                    log.error("{} endpoint stopped accepting: {}", name, e.toString());
                }
                return;
            }
            Thread t = new Thread(() -> serve(socket), "endpoint-" + name + "-hello");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(AFUNIXSocket socket) {
        UnixSocketChannel<S, R> channel;
        try {
            channel = UnixSocketChannel.wrap(socket, parser, new FrameCodec(), path.toString());
        } catch (IOException e) {
            log.warn("{} endpoint: could not set up a connection: {}", name, e.toString());
            closeQuietly(socket);
            return;
        }
        String who = channel.peer().toString();
        try {
            Endpoints.helperHandshake(kind).perform(channel.rawInput(), channel.rawOutput(), channel);
        } catch (IOException e) {
            // A peer that leaves without a byte is a liveness probe (a second instance, a monitor), not an attack.
            boolean silent = !(e instanceof dev.tunnelhelper.protocol.HandshakeException)
                    || e.getMessage().startsWith("stream ended after 0 header bytes") || e.getMessage().startsWith("I/O error");
            log.atLevel(silent ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.WARN)
                    .setMessage(silent ? "peer left before its hello" : "hello failed").addKeyValue("endpoint", name)
                    .addKeyValue("peer", who).addKeyValue("reason", e.getMessage()).log();
            closeQuietly(channel);
            return;
        }
        if (admission.admit(channel).isPresent()) {
            channel.closeGracefully(java.time.Duration.ofSeconds(1));
        }
    }

    @Override
    public String address() {
        return path.toString();
    }

    @Override
    public int openConnections() {
        return admission.openConnections();
    }

    @Override
    public void close() {
        closing = true;
        if (server != null) {
            closeQuietly(server);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", path, e.toString());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing a connection we are giving up on
        }
    }
}
