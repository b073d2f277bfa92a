package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.util.concurrent.CompletableFuture;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint on a Unix socket (the XPC carrier's counterpart is
 * {@link dev.tunnelhelper.helper.xpc.XpcEndpointServer}): binds it, then a {@link HelloGate}
 * accepts connections, decides on each peer from its kernel credentials and reads hello lines,
 * all on one thread; admitted peers go to the endpoint's {@link PeerConnectionFactory} through
 * {@link PeerAdmission}, which the XPC carrier shares. Carrier-specific code stops here: a
 * {@link PeerConnection} only sees a {@link dev.tunnelhelper.protocol.Speaker} over a
 * {@link dev.tunnelhelper.protocol.Channel}. Descriptors are accepted only on the
 * network-extension endpoint (the TUN device comes with StartDaemon), through the shim.
 */
public final class UnixEndpointServer<S extends MessageLite, R> implements EndpointListener {
    private static final Logger log = LoggerFactory.getLogger(UnixEndpointServer.class);

    private final EndpointSpec<S, R> spec;
    private final Path path;
    private final PeerAdmission<S, R> admission;
    private HelloGate<S, R> gate;

    public UnixEndpointServer(EndpointSpec<S, R> spec, Path path) {
        this.spec = spec;
        this.path = path;
        this.admission = new PeerAdmission<>(spec);
    }

    /** Binds the socket with {@code mode} (e.g. rw-------) and optional group, then accepts in the background. */
    public void start(String mode, GroupPrincipal group) throws IOException {
        SocketFile.claim(path);
        AFUNIXServerSocketChannel server = AFUNIXSelectorProvider.provider().openServerSocketChannel();
        try {
            server.bind(AFUNIXSocketAddress.of(path));
            SocketFile.protect(path, mode, group);
            gate = new HelloGate<>(
                    spec,
                    admission,
                    server,
                    path,
                    spec.kind() == Endpoints.Kind.EXTENSION ? ShimDescriptorReceiver.INSTANCE : null);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        log.atInfo()
                .setMessage("listening")
                .addKeyValue("endpoint", spec.name())
                .addKeyValue("path", path)
                .addKeyValue("mode", mode)
                .addKeyValue("group", group == null ? "" : group.getName())
                .log();
        NamedThreads.start("endpoint-" + spec.name() + "-gate", gate::run);
    }

    public Path path() {
        return path;
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
    public CompletableFuture<Void> drained() {
        return admission.drained();
    }

    @Override
    public void close() {
        if (gate != null) {
            gate.close();
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("could not remove {}: {}", path, e.toString());
        }
    }
}
