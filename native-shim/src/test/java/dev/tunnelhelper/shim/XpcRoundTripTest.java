package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The XPC bridge over an anonymous listener: on macOS over libxpc, on Linux over the simulator
 * (where this test process's executable, java, is unsigned, as no process on a runner is signed
 * by a made-up team).
 */
@RequiresCapability(Capability.XPC)
class XpcRoundTripTest {

    @Test
    void anonymousListenerEchoesPayloadAndPassesAnFd() throws Exception {
        BlockingQueue<Integer> peerEuids = new ArrayBlockingQueue<>(4);
        XpcHandler server = new XpcHandler() {
            @Override
            public boolean accept(XpcConnection peer) {
                peerEuids.add(peer.peerEuid());
                return true;
            }

            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                byte[] answer = ("echo:" + new String(message.payload(), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                // Send the received fd straight back so the client can prove it is the same pipe.
                int fd = message.fd().map(OwnedFd::get).orElse(-1);
                reply.send(answer, fd);
                message.fd().ifPresent(OwnedFd::close);
            }
        };
        XpcHandler client = (connection, message, reply) -> {};
        try (XpcListener listener = XpcListener.anonymous(server);
                XpcConnection connection = listener.connect(client);
                Pipe pipe = Fds.pipe()) {
            XpcMessage reply = connection.sendWithReply(
                    "hello".getBytes(StandardCharsets.UTF_8), pipe.writeEnd().get());
            assertEquals("echo:hello", new String(reply.payload(), StandardCharsets.UTF_8));
            assertTrue(reply.fd().isPresent(), "the fd came back");
            try (OwnedFd back = reply.fd().get()) {
                Fds.write(back.get(), "via xpc".getBytes(StandardCharsets.UTF_8), 0, 7);
            }
            pipe.writeEnd().close();
            assertEquals("via xpc", ChildRun.readAll(Fds.inputStream(pipe.readEnd())));

            XpcMessage async =
                    connection.sendWithReplyAsync(new byte[] {1, 2, 3}, -1).get(10, TimeUnit.SECONDS);
            assertArrayEquals("echo:\u0001\u0002\u0003".getBytes(StandardCharsets.UTF_8), async.payload());
            assertEquals(new com.sun.security.auth.module.UnixSystem().getUid(), (long)
                    peerEuids.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /**
     * A service may speak first: the helper tells a refused peer why before the peer says a word.
     * Such a message can arrive as soon as the client's connection is activated, so the client's
     * handler must be in place by then; a connection activated before its handler was registered
     * lost it now and then. Many connections, because each one can lose it only in a short window.
     */
    @Test
    void aMessageTheServiceSendsFirstReachesEveryClient() throws Exception {
        int clients = 300;
        XpcHandler server = echoing(peer -> peer.send(new byte[] {9}, -1), error -> {});
        try (XpcListener listener = XpcListener.anonymous(server)) {
            for (int i = 0; i < clients; i++) {
                CompletableFuture<byte[]> first = new CompletableFuture<>();
                try (XpcConnection connection = listener.connect((c, m, r) -> first.complete(m.payload()))) {
                    assertArrayEquals(
                            new byte[] {9},
                            first.completeOnTimeout(null, 10, TimeUnit.SECONDS).get(),
                            "what client " + i + " of " + clients + " heard first");
                }
            }
        }
    }

    /** By its caller, once; a listener (and so each of its peers) is the shim's to activate. */
    @Test
    void aClientConnectionIsActivatedOnce() throws Exception {
        try (XpcListener listener = XpcListener.anonymous(echoing(peer -> {}, error -> {}));
                XpcConnection connection = listener.connect((c, m, r) -> {})) {
            ErrorBuffer err = new ErrorBuffer();
            NativeException twice = assertThrows(
                    NativeException.class,
                    () -> err.check(
                            NativeShim.get().library().th_xpc_activate(connection.handle(), err.bytes, err.size())));
            assertTrue(twice.getMessage().contains("already activated"), twice.getMessage());
            NativeException listenerActivated = assertThrows(
                    NativeException.class,
                    () -> err.check(
                            NativeShim.get().library().th_xpc_activate(listener.handle(), err.bytes, err.size())));
            assertTrue(
                    listenerActivated.getMessage().contains("only a client connection"),
                    listenerActivated.getMessage());
            assertArrayEquals(
                    new byte[] {3}, connection.sendWithReply(new byte[] {3}, -1).payload());
        }
    }

    /**
     * The shim's C callers may release a client connection they never activated: it is cancelled
     * (a barrier would wait for ever for a resume), and the service sees the peer end, if it saw
     * it at all (the simulator hands an endpoint's peer to the listener at once).
     */
    @Test
    void aClientReleasedBeforeActivationIsCancelled() throws Exception {
        List<XpcConnection> peers = new CopyOnWriteArrayList<>();
        Map<XpcConnection, CompletableFuture<XpcError>> ended = new ConcurrentHashMap<>();
        XpcHandler server = echoing(peers::add, error -> {});
        XpcHandler tracking = new XpcHandler() {
            @Override
            public boolean accept(XpcConnection peer) {
                ended.put(peer, new CompletableFuture<>());
                return server.accept(peer);
            }

            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                server.onMessage(connection, message, reply);
            }

            @Override
            public void onError(XpcConnection connection, XpcError error) {
                ended.get(connection).complete(error);
            }
        };
        try (XpcListener listener = XpcListener.anonymous(tracking)) {
            ShimLibrary lib = NativeShim.get().library();
            ErrorBuffer err = new ErrorBuffer();
            Pointer inactive = lib.th_xpc_connect_endpoint(
                    listener.handle(),
                    null,
                    XpcCallbacks.ON_MESSAGE,
                    XpcCallbacks.ON_ERROR,
                    null,
                    err.bytes,
                    err.size());
            assertTrue(inactive != null, err.text());
            lib.th_xpc_release(inactive);
            try (XpcConnection next = listener.connect((c, m, r) -> {})) {
                assertArrayEquals(
                        new byte[] {4}, next.sendWithReply(new byte[] {4}, -1).payload());
            }
            if (peers.size() == 2) {
                assertEquals(
                        XpcError.Kind.CONNECTION_INVALID,
                        ended.get(peers.get(0)).get(10, TimeUnit.SECONDS).kind(),
                        "the released client's peer ended");
            }
        }
    }

    @Test
    void peerFailingTheCodeSigningRequirementIsRefused() throws Exception {
        CompletableFuture<XpcError> refusal = new CompletableFuture<>();
        // No process on the runner is signed by this team, so the peer must be cut off. The
        // refusal comes first and is told apart from the end of the connection.
        XpcHandler server = echoing(
                peer -> peer.setPeerRequirement(
                        "anchor apple generic and certificate leaf[subject.OU] = \"NOTATEAMID\""),
                refusal::complete);
        try (XpcListener listener = XpcListener.anonymous(server);
                XpcConnection connection = listener.connect((c, m, r) -> {})) {
            NativeException e =
                    assertThrows(NativeException.class, () -> connection.sendWithReply(new byte[] {42}, -1));
            assertTrue(e.getMessage().length() > 0);
            assertEquals(
                    XpcError.Kind.PEER_CODE_SIGNING_REQUIREMENT,
                    refusal.get(10, TimeUnit.SECONDS).kind());
        }
    }

    @Test
    void aClientRefusesAServiceThatFailsItsRequirement() throws Exception {
        CompletableFuture<XpcError> clientSide = new CompletableFuture<>();
        XpcHandler server = echoing(peer -> {}, error -> {});
        XpcHandler client = echoing(peer -> {}, clientSide::complete);
        // The service (this very process) is signed by no team: its reply must not be taken.
        try (XpcListener listener = XpcListener.anonymous(server);
                XpcConnection connection = listener.connect(
                        "anchor apple generic and certificate leaf[subject.OU] = \"NOTATEAMID\"", client)) {
            NativeException e = assertThrows(NativeException.class, () -> connection.sendWithReply(new byte[] {7}, -1));
            assertTrue(e.getMessage().contains("code sign") || e.getMessage().contains("forbidden"), e.getMessage());
            assertEquals(
                    XpcError.Kind.PEER_CODE_SIGNING_REQUIREMENT,
                    clientSide.get(10, TimeUnit.SECONDS).kind());
        }
    }

    @Test
    void aRequirementThatDoesNotCompileIsRefusedWhenConnecting() {
        try (XpcListener listener = XpcListener.anonymous((c, m, r) -> {})) {
            NativeException e = assertThrows(
                    NativeException.class, () -> listener.connect("anchor apple generic and (((", (c, m, r) -> {}));
            assertTrue(e.getMessage().contains("(errno 22)"), e.getMessage());
        }
    }

    @Test
    void aRequirementCanOnlyBeSetBeforeThePeerIsActivated() throws Exception {
        CompletableFuture<XpcConnection> accepted = new CompletableFuture<>();
        XpcHandler server = echoing(accepted::complete, error -> {});
        try (XpcListener listener = XpcListener.anonymous(server);
                XpcConnection connection = listener.connect((c, m, r) -> {})) {
            connection.sendWithReply(new byte[] {1}, -1);
            XpcConnection peer = accepted.get(10, TimeUnit.SECONDS);
            NativeException late =
                    assertThrows(NativeException.class, () -> peer.setPeerRequirement("anchor apple generic"));
            assertTrue(late.getMessage().contains("before the connection is activated"), late.getMessage());
            NativeException client =
                    assertThrows(NativeException.class, () -> connection.setPeerRequirement("anchor apple generic"));
            assertTrue(client.getMessage().contains("before the connection is activated"), client.getMessage());
            // Refused without side effects: the connection still works.
            assertArrayEquals(
                    new byte[] {2}, connection.sendWithReply(new byte[] {2}, -1).payload());
        }
    }

    @Test
    void aListenerOnANameThisProcessMayNotServeReportsItself() throws Exception {
        CompletableFuture<XpcError> listenerError = new CompletableFuture<>();
        XpcHandler handler = new XpcHandler() {
            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {}

            @Override
            public void onListenerError(XpcError error) {
                listenerError.complete(error);
            }
        };
        // No loaded launchd job declares this name for this process (on a Mac as in the simulator).
        try (XpcListener listener = XpcListener.listen(
                "dev.tunnelhelper.test.undeclared." + ProcessHandle.current().pid(), handler)) {
            assertEquals(
                    XpcError.Kind.CONNECTION_INVALID,
                    listenerError.get(10, TimeUnit.SECONDS).kind());
        }
    }

    /** Answers every request with its payload; {@code onPeer} sees each peer before it is activated. */
    private static XpcHandler echoing(Consumer<XpcConnection> onPeer, Consumer<XpcError> onError) {
        return new XpcHandler() {
            @Override
            public boolean accept(XpcConnection peer) {
                onPeer.accept(peer);
                return true;
            }

            @Override
            public void onMessage(XpcConnection connection, XpcMessage message, XpcReply reply) {
                if (reply != null) {
                    reply.send(message.payload(), -1);
                }
            }

            @Override
            public void onError(XpcConnection connection, XpcError error) {
                onError.accept(error);
            }
        };
    }
}
