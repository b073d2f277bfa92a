package dev.tunnelhelper.helper.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.ExtensionEndpointSpecs;
import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

    /**
     * Peers wait for the access policy in a queue that one thread works through: while the policy
     * is held up, a flood costs no thread per peer, and beyond {@link
     * XpcEndpointServer#MAX_WAITING_PEERS} waiting a peer is dropped unanswered at once.
     */
    @Test
    void peersWaitingForAdmissionShareOneThreadAndTheirNumberIsBounded() throws Exception {
        CountDownLatch policyEntered = new CountDownLatch(1);
        CountDownLatch policyReleased = new CountDownLatch(1);
        XpcEndpointServer<HelperExtensionMessage, ExtensionMessage> server = new XpcEndpointServer<>(
                spec("held", peer -> {
                    policyEntered.countDown();
                    try {
                        policyReleased.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Optional.of("refused once the policy may answer");
                }),
                "anonymous",
                OwnCodeRequirement.of());
        server.startAnonymous();
        List<XpcChannel<ExtensionMessage, HelperExtensionMessage>> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < XpcEndpointServer.MAX_WAITING_PEERS; i++) {
                waiting.add(XpcChannel.connect(server.listener(), HelperExtensionMessage.parser()));
            }
            assertTrue(policyEntered.await(10, TimeUnit.SECONDS), "the first peer reached the policy");
            try (XpcChannel<ExtensionMessage, HelperExtensionMessage> oneTooMany =
                    XpcChannel.connect(server.listener(), HelperExtensionMessage.parser())) {
                assertNull(oneTooMany.receive(), "a peer beyond the waiting ones is dropped unanswered");
            }
            long admitting = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("endpoint-held-admit"))
                    .count();
            assertEquals(1, admitting, "threads admitting the " + waiting.size() + " waiting peers");
            policyReleased.countDown();
            for (XpcChannel<ExtensionMessage, HelperExtensionMessage> client : waiting) {
                Envelope<HelperExtensionMessage> told = client.receive();
                assertTrue(told != null, "a waiting peer was answered once the policy could answer");
                assertEquals(
                        ErrorCode.UNAUTHORIZED.name(), told.message().getError().getCode());
                assertNull(client.receive());
            }
        } finally {
            policyReleased.countDown();
            waiting.forEach(XpcChannel::close);
            server.close();
        }
    }

    private static EndpointSpec<HelperExtensionMessage, ExtensionMessage> refusingEveryone() {
        return spec("refusing", peer -> Optional.of("uid " + peer.uid() + " may not use this endpoint"));
    }

    private static EndpointSpec<HelperExtensionMessage, ExtensionMessage> spec(
            String name, Function<PeerIdentity, Optional<String>> policy) {
        return ExtensionEndpointSpecs.extension(
                name,
                policy,
                who -> {
                    throw new AssertionError("a refused peer got a connection handler: " + who);
                },
                ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, 0));
    }
}
