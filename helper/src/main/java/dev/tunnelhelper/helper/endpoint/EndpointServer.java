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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint on a Unix socket: accepts connections, exchanges the hello line, checks the
 * peer's kernel credentials (a refused peer gets an error frame, then the connection closes),
 * and hands each accepted peer to a {@link ConnectionFactory}. Carrier-specific code stops here:
 * handlers only see a {@link Speaker} over a {@link dev.tunnelhelper.protocol.Channel}.
 */
public final class EndpointServer<S extends MessageLite, R> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EndpointServer.class);
    /** Connections beyond this are refused: each costs two threads. */
    static final int MAX_CONNECTIONS = 256;

    /** Creates the per-connection handler; {@code onClose} runs when the peer goes away. */
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
    private final RpcAccess<S, R> rpc;
    private final Function<Error, S> errorFrame;
    private final AccessPolicy policy;
    private final ConnectionFactory<S, R> factory;
    private final AtomicInteger open = new AtomicInteger();
    private AFUNIXServerSocket server;
    private volatile boolean closing;

    public EndpointServer(String name, Path path, Endpoints.Kind kind, Parser<R> parser, RpcAccess<S, R> rpc,
                          Function<Error, S> errorFrame, AccessPolicy policy, ConnectionFactory<S, R> factory) {
        this.name = name;
        this.path = path;
        this.kind = kind;
        this.parser = parser;
        this.rpc = rpc;
        this.errorFrame = errorFrame;
        this.policy = policy;
        this.factory = factory;
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
            log.atWarn().setMessage("hello failed").addKeyValue("endpoint", name).addKeyValue("peer", who)
                    .addKeyValue("reason", e.getMessage()).log();
            closeQuietly(channel);
            return;
        }
        Optional<String> refusal = policy.refusal(channel.peer());
        if (refusal.isEmpty() && open.get() >= MAX_CONNECTIONS) {
            refusal = Optional.of("too many connections to the " + name + " endpoint (" + MAX_CONNECTIONS + ")");
        }
        if (refusal.isPresent()) {
            log.atWarn().setMessage("refused peer").addKeyValue("endpoint", name).addKeyValue("uid", channel.peer().uid())
                    .addKeyValue("gid", channel.peer().gid()).addKeyValue("pid", channel.peer().pid())
                    .addKeyValue("reason", refusal.get()).log();
            try {
                channel.send(errorFrame.apply(Error.newBuilder().setCode("UNAUTHORIZED").setMessage(refusal.get()).build()));
            } catch (IOException e) {
                log.debug("could not tell the refused peer why: {}", e.toString());
            }
            closeQuietly(channel);
            return;
        }
        open.incrementAndGet();
        log.atInfo().setMessage("peer connected").addKeyValue("endpoint", name).addKeyValue("peer", who).log();
        Connection<S, R> connection = factory.open(who);
        Speaker<S, R> speaker = Speaker.start(name + "-client", channel, rpc, Endpoints.VERSIONS.versions().get(0), connection);
        connection.attached(speaker);
        speaker.closeFuture().thenAccept(cause -> {
            open.decrementAndGet();
            log.atInfo().setMessage("peer disconnected").addKeyValue("endpoint", name).addKeyValue("peer", who)
                    .addKeyValue("reason", cause == null ? "closed" : cause.getMessage()).log();
            connection.closed(cause);
        });
    }

    public int openConnections() {
        return open.get();
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
