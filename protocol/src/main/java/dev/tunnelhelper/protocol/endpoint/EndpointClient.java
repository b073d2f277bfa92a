package dev.tunnelhelper.protocol.endpoint;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.HandshakeResult;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens a client conversation with the helper over its Unix socket: connect, hello line, speaker.
 * A helper that is not there is a {@link HelperUnavailableException} naming the socket.
 */
public final class EndpointClient {
    private EndpointClient() {}

    public static Speaker<AppMessage, HelperAppMessage> connectApp(Path socket, Duration timeout,
            Speaker.Handler<AppMessage, HelperAppMessage> handler) throws IOException {
        return connect(socket, timeout, Endpoints.Kind.APP, HelperAppMessage.parser(), Endpoints.APP, handler);
    }

    public static Speaker<ExtensionMessage, HelperExtensionMessage> connectExtension(Path socket, Duration timeout,
            Speaker.Handler<ExtensionMessage, HelperExtensionMessage> handler) throws IOException {
        return connect(socket, timeout, Endpoints.Kind.EXTENSION, HelperExtensionMessage.parser(), Endpoints.EXTENSION, handler);
    }

    private static <S extends MessageLite, R> Speaker<S, R> connect(Path socket, Duration timeout, Endpoints.Kind kind,
            Parser<R> parser, RpcAccess<S, R> rpc, Speaker.Handler<S, R> handler) throws IOException {
        String endpoint = kind == Endpoints.Kind.APP ? "app" : "extension";
        if (!java.nio.file.Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new HelperUnavailableException(socket, "no socket at the helper's " + endpoint + " endpoint", null);
        }
        UnixSocketChannel<S, R> channel;
        try {
            channel = UnixSocketChannel.connect(socket, timeout, parser, new FrameCodec());
        } catch (java.net.SocketException e) {
            // Refused (a stale socket file with nobody listening) or permission denied: both mean
            // "there is no helper for you here", which is what the user must hear.
            throw new HelperUnavailableException(socket, "cannot connect to the helper's " + endpoint + " endpoint: " + e.getMessage(), e);
        }
        try {
            HandshakeResult hello = Endpoints.clientHandshake(kind, timeout)
                    .perform(channel.rawInput(), channel.rawOutput(), channel);
            return Speaker.start("helper", channel, rpc, hello.version(), handler);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
