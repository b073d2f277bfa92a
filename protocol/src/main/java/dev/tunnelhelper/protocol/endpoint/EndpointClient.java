package dev.tunnelhelper.protocol.endpoint;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.HandshakeResult;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.protocol.trust.TrustProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens a client conversation with the helper over its Unix socket: check who listens, connect,
 * hello line, speaker. A helper that is not there is a {@link HelperUnavailableException} naming
 * the socket; one that may not be the helper is an {@link UntrustedHelperException}.
 *
 * <p>Who we trust is root and the uid we run as (an unprivileged helper under {@code --state-dir}
 * runs as its user). Before anything is sent, the socket path must pass {@link PathTrust} (nobody
 * else can have planted or replaced it or a directory above it), and the listening process's
 * kernel credentials ({@code SO_PEERCRED}, fixed when it called listen) must be one of those uids.
 * The path check alone would leave a window; the credential check alone would still let us
 * connect to a socket another user controls.
 */
public final class EndpointClient {
    private EndpointClient() {}

    public static Speaker<AppMessage, HelperAppMessage> connectApp(
            Path socket, Duration timeout, Speaker.Handler<AppMessage, HelperAppMessage> handler) throws IOException {
        return connect(socket, timeout, Endpoints.Kind.APP, HelperAppMessage.parser(), Endpoints.APP, handler);
    }

    public static Speaker<ExtensionMessage, HelperExtensionMessage> connectExtension(
            Path socket, Duration timeout, Speaker.Handler<ExtensionMessage, HelperExtensionMessage> handler)
            throws IOException {
        return connect(
                socket,
                timeout,
                Endpoints.Kind.EXTENSION,
                HelperExtensionMessage.parser(),
                Endpoints.EXTENSION,
                handler);
    }

    private static boolean socketOrLink(Path path) throws IOException {
        int type =
                (Integer) java.nio.file.Files.getAttribute(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        & 0170000;
        return type == 0140000 || type == 0120000;
    }

    private static <S extends MessageLite, R> Speaker<S, R> connect(
            Path socket,
            Duration timeout,
            Endpoints.Kind kind,
            Parser<R> parser,
            RpcAccess<S, R> rpc,
            Speaker.Handler<S, R> handler)
            throws IOException {
        String endpoint = kind == Endpoints.Kind.APP ? "app" : "extension";
        if (!java.nio.file.Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new HelperUnavailableException(socket, "no socket at the helper's " + endpoint + " endpoint", null);
        }
        if (!socketOrLink(socket)) {
            // A leftover plain file is not somebody posing as the helper: just nothing to talk to.
            throw new HelperUnavailableException(
                    socket,
                    "cannot connect to the helper's " + endpoint + " endpoint: " + socket + " is not a socket",
                    null);
        }
        PathTrust trust = PathTrust.forThisProcess();
        Optional<TrustProblem> problem = trust.inspect(socket, PathTrust.Kind.SOCKET);
        if (problem.isPresent() && problem.get().uid() < 0) {
            throw new HelperUnavailableException(
                    socket,
                    "cannot reach the helper's " + endpoint + " endpoint: "
                            + problem.get().describe(),
                    null);
        }
        if (problem.isPresent()) {
            throw new UntrustedHelperException(socket, problem.get().describe());
        }
        UnixSocketChannel<S, R> channel;
        try {
            channel = UnixSocketChannel.connect(socket, timeout, parser, new FrameCodec());
        } catch (java.net.SocketException e) {
            // Refused (a stale socket file with nobody listening) or permission denied: both mean
            // "there is no helper for you here", which is what the user must hear.
            throw new HelperUnavailableException(
                    socket, "cannot connect to the helper's " + endpoint + " endpoint: " + e.getMessage(), e);
        }
        PeerIdentity listener = channel.peer();
        if (listener.uid() != 0 && listener.uid() != trust.trustedUid()) {
            channel.close();
            throw new UntrustedHelperException(
                    socket,
                    "the process listening there (pid " + listener.pid() + ") runs as uid " + listener.uid()
                            + ", not as " + trust.owners() + ", so it is not the helper");
        }
        try {
            HandshakeResult hello =
                    Endpoints.clientHandshake(kind, timeout).perform(channel.rawInput(), channel.rawOutput(), channel);
            return Speaker.start("helper", channel, rpc, hello.version(), handler);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
