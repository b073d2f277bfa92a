package dev.tunnelhelper.protocol.endpoint;

import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where a client reaches one of the helper's endpoints: a Unix socket (docs/protocol.md §2,
 * {@link #unixSocket}) or an XPC Mach service (§3, in the native-shim module). The messages are the
 * same on both; only opening the conversation differs.
 */
public interface HelperEndpoint {
    Speaker<AppMessage, HelperAppMessage> connectApp(
            Duration timeout, Speaker.Handler<AppMessage, HelperAppMessage> handler) throws IOException;

    Speaker<ExtensionMessage, HelperExtensionMessage> connectExtension(
            Duration timeout, Speaker.Handler<ExtensionMessage, HelperExtensionMessage> handler) throws IOException;

    /** For messages: the socket path, or {@code xpc:} and the service name. */
    String describe();

    static HelperEndpoint unixSocket(Path socket) {
        return new UnixSocketEndpoint(socket);
    }

    /** The helper's Unix socket, through {@link EndpointClient} (its trust checks and hello line). */
    record UnixSocketEndpoint(Path socket) implements HelperEndpoint {
        @Override
        public Speaker<AppMessage, HelperAppMessage> connectApp(
                Duration timeout, Speaker.Handler<AppMessage, HelperAppMessage> handler) throws IOException {
            return EndpointClient.connectApp(socket, timeout, handler);
        }

        @Override
        public Speaker<ExtensionMessage, HelperExtensionMessage> connectExtension(
                Duration timeout, Speaker.Handler<ExtensionMessage, HelperExtensionMessage> handler)
                throws IOException {
            return EndpointClient.connectExtension(socket, timeout, handler);
        }

        @Override
        public String describe() {
            return socket.toString();
        }
    }
}
