package dev.tunnelhelper.helper.contract;

import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.UnixSocketCarrier;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The carrier contract over real Unix sockets (every platform). */
class UnixSocketCarrierContractTest extends CarrierContract {
    @TempDir
    Path dir;

    private int next;

    @Override
    protected EndpointListener start(EndpointSpec<HelperExtensionMessage, ExtensionMessage> spec) throws Exception {
        next++;
        return new UnixSocketCarrier(dir.resolve("app" + next + ".sock"), dir.resolve("ne" + next + ".sock"), null)
                .listen(spec);
    }

    @Override
    protected Channel<ExtensionMessage, HelperExtensionMessage> connect(EndpointListener listener) throws Exception {
        UnixSocketChannel<ExtensionMessage, HelperExtensionMessage> channel = UnixSocketChannel.connect(
                Path.of(listener.address()), Duration.ofSeconds(5), HelperExtensionMessage.parser(), new FrameCodec());
        Endpoints.clientHandshake(Endpoints.Kind.EXTENSION, Duration.ofSeconds(5))
                .perform(channel.rawInput(), channel.rawOutput(), channel);
        return channel;
    }

    @Override
    protected long ownUid() {
        // The kernel's SO_PEERCRED uid is our effective uid: the owner of a file we create.
        try {
            Path probe = Files.createFile(dir.resolve("uid-probe-" + System.nanoTime()));
            return ((Integer) Files.getAttribute(probe, "unix:uid")).longValue();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
