package dev.tunnelhelper.helper.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a peer the access policy refuses can make the XPC endpoint hold: nothing once it has been
 * told why. The shim cancels a connection from a send barrier, after what was sent to it, so the
 * refusal is dropped at once instead of lingering; a peer that connects again and again cannot
 * pile up connections (the Unix carrier bounds its lingering refusals the same way).
 */
@RequiresCapability({Capability.XPC, Capability.CODE_SIGNATURE})
@Timeout(60)
class XpcRefusedPeersTest {
    private static final int PEERS = 200;

    @Test
    void refusedPeersAreToldWhyAndNoneOfThemIsKept() throws Exception {
        XpcEndpointServer<HelperExtensionMessage, ExtensionMessage> server =
                new XpcEndpointServer<>(refusingEveryone(), "anonymous", OwnCodeRequirement.of());
        server.startAnonymous();
        List<XpcChannel<ExtensionMessage, HelperExtensionMessage>> clients = new ArrayList<>();
        try {
            for (int i = 0; i < PEERS; i++) {
                XpcChannel<ExtensionMessage, HelperExtensionMessage> client =
                        XpcChannel.connect(server.listener(), HelperExtensionMessage.parser());
                clients.add(client);
                Envelope<HelperExtensionMessage> told = client.receive();
                assertTrue(told != null, "refused peer " + i + " was told why before its connection ended");
                assertEquals(
                        ErrorCode.UNAUTHORIZED.name(), told.message().getError().getCode());
            }
            // All of them still hold their side open, and all were told: the endpoint keeps at
            // most the few whose cancel is still on its way (with a grace period it held all).
            int held = server.connectionsHeld();
            assertTrue(held <= 8, held + " of " + PEERS + " refused peers' connections are still held");
            for (XpcChannel<ExtensionMessage, HelperExtensionMessage> client : clients) {
                assertNull(client.receive(), "after the refusal, the end of the stream");
            }
            assertEquals(0, server.openConnections());
        } finally {
            clients.forEach(XpcChannel::close);
            server.close();
        }
    }

    private static EndpointSpec<HelperExtensionMessage, ExtensionMessage> refusingEveryone() {
        return new EndpointSpec<>(
                "refusing",
                Endpoints.Kind.EXTENSION,
                ExtensionMessage.parser(),
                Endpoints.HELPER_EXTENSION,
                e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                peer -> Optional.of("uid " + peer.uid() + " may not use this endpoint"),
                who -> {
                    throw new AssertionError("a refused peer got a connection handler: " + who);
                },
                ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 0));
    }
}
