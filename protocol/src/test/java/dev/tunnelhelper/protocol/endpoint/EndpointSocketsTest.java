package dev.tunnelhelper.protocol.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The socket layout of docs/protocol.md §2, which the helper binds and every client looks up. */
class EndpointSocketsTest {

    @Test
    void anExplicitSocketWinsThenTheStateDirThenTheSystemDefault() {
        Path d = Path.of("/tmp/th");
        assertEquals(Path.of("/x/app.sock"), EndpointSockets.appSocket(d, Path.of("/x/app.sock")));
        assertEquals(Path.of("/tmp/th/run/app.sock"), EndpointSockets.appSocket(d, null));
        assertEquals(Path.of("/tmp/th/run/ne.sock"), EndpointSockets.extensionSocket(d, null));
        assertEquals(Path.of("/run/tunnel-helper/app.sock"), EndpointSockets.appSocket(null, null));
        assertEquals(Path.of("/run/tunnel-helper/ne.sock"), EndpointSockets.extensionSocket(null, null));
    }
}
