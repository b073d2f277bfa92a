package dev.tunnelhelper.helper.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.ExtensionEndpointSpecs;
import dev.tunnelhelper.helper.endpoint.PeerConnection;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.ApplyNetworkSettings;
import dev.tunnelhelper.protocol.helper.CancelProvider;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.protocol.vpn.NetworkSettingsRequest;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every endpoint carrier must do, written once against {@link EndpointListener} and
 * {@link Channel}: a subclass supplies only how to start a listener and how a client connects.
 * The network-extension message set is used because it has requests in both directions, a
 * one-way push and an fd-carrying request.
 */
@Timeout(60)
public abstract class CarrierContract {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final AtomicInteger ENDPOINTS = new AtomicInteger();

    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private final BlockingQueue<Served> served = new ArrayBlockingQueue<>(8);
    private final BlockingQueue<PeerIdentity> peers = new ArrayBlockingQueue<>(8);
    private final BlockingQueue<Incoming<ExtensionMessage, HelperExtensionMessage>> atClient =
            new ArrayBlockingQueue<>(8);

    /** Starts an endpoint for {@code spec} on this carrier. */
    protected abstract EndpointListener start(EndpointSpec<HelperExtensionMessage, ExtensionMessage> spec)
            throws Exception;

    /** A client channel to {@code listener}, ready for frames (any opening exchange done). */
    protected abstract Channel<ExtensionMessage, HelperExtensionMessage> connect(EndpointListener listener)
            throws Exception;

    /** The uid the carrier reports for this test process. */
    protected abstract long ownUid();

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = cleanup.size() - 1; i >= 0; i--) {
            cleanup.get(i).close();
        }
    }

    @Test
    void aRequestFromTheClientGetsItsReply() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> client = connected();
        HelperExtensionMessage reply = client.call(start("https://a.example"), WAIT);
        assertEquals(HelperExtensionMessage.MsgCase.START_DAEMON_RESULT, reply.getMsgCase());
        assertEquals("started https://a.example", reply.getStartDaemonResult().getErrorMessage());
    }

    @Test
    void aRequestFromTheHelperGetsItsReply() throws Exception {
        connected();
        Speaker<HelperExtensionMessage, ExtensionMessage> helper =
                nextServed().speaker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ExtensionMessage reply = helper.call(
                HelperExtensionMessage.newBuilder()
                        .setApplyNetworkSettings(ApplyNetworkSettings.newBuilder()
                                .setSettings(NetworkSettingsRequest.newBuilder().setTunnelRemoteAddress("10.0.0.1")))
                        .build(),
                WAIT);
        assertEquals("applied 10.0.0.1", reply.getApplyNetworkSettingsResult().getErrorMessage());
    }

    @Test
    void aOneWayPushArrivesAsNoRequest() throws Exception {
        connected();
        Speaker<HelperExtensionMessage, ExtensionMessage> helper =
                nextServed().speaker.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        helper.send(HelperExtensionMessage.newBuilder()
                .setCancelProvider(CancelProvider.newBuilder().setError("gone"))
                .build());
        Incoming<ExtensionMessage, HelperExtensionMessage> pushed = atClient.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(pushed != null, "the push arrived");
        assertFalse(pushed.isRequest());
        assertEquals("gone", pushed.message().getCancelProvider().getError());
    }

    @Test
    void anAttachedFdArrivesUsable() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> client = connected();
        byte[] expected = "written by the helper through the carried fd".getBytes(StandardCharsets.UTF_8);
        try (Pipe pipe = Fds.pipe()) {
            HelperExtensionMessage reply = client.call(
                    start("fd"), List.of(FileDescriptors.of(pipe.writeEnd().get())), WAIT);
            assertEquals("started fd with 1 fd(s)", reply.getStartDaemonResult().getErrorMessage());
            try (InputStream in = Fds.inputStream(pipe.readEnd())) {
                assertEquals(
                        new String(expected, StandardCharsets.UTF_8),
                        new String(in.readNBytes(expected.length), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void thePeerIsThisProcess() throws Exception {
        connected();
        PeerIdentity peer = peers.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(peer != null, "the policy saw the peer");
        assertEquals(ownUid(), peer.uid());
        assertEquals(ProcessHandle.current().pid(), peer.pid());
    }

    @Test
    void closingEitherSideEndsTheOther() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> client = connected();
        Served first = nextServed();
        client.close();
        assertNull(first.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS), "a clean end on the helper's side");

        Speaker<ExtensionMessage, HelperExtensionMessage> second = connected();
        nextServed().speaker.get(WAIT.toSeconds(), TimeUnit.SECONDS).close();
        assertNull(second.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS), "a clean end on the client's side");
    }

    @Test
    void theConnectionHasItsSpeakerBeforeAnythingIsRead() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> client = connected();
        client.call(start("first"), WAIT);
        Served served = nextServed();
        assertEquals(List.of(), served.readersAtAttach, "the speaker was already reading when the connection got it");
        assertTrue(
                served.speakerAtFirstMessage.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                "the first message came before attached()");
    }

    @Test
    void aRequestWhoseHandlerThrowsIsAnsweredInternal() throws Exception {
        Speaker<ExtensionMessage, HelperExtensionMessage> client = connected();
        HelperExtensionMessage reply = client.call(start(Served.THROW), WAIT);
        assertEquals(ErrorCode.INTERNAL.name(), reply.getError().getCode());
        assertEquals(
                "the helper failed to handle request 1; its log says why",
                reply.getError().getMessage());
        assertEquals(
                "started next",
                client.call(start("next"), WAIT).getStartDaemonResult().getErrorMessage(),
                "the connection carries on");
    }

    @Test
    void anIdlePeerIsToldIdleTimeoutAndDropped() throws Exception {
        EndpointListener listener = listen(peer -> Optional.empty(), Duration.ofSeconds(1));
        Speaker<ExtensionMessage, HelperExtensionMessage> client = clientSpeaker(listener);
        Incoming<ExtensionMessage, HelperExtensionMessage> told = atClient.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(told != null, "the idle peer was told why");
        assertEquals(ErrorCode.IDLE_TIMEOUT.name(), told.message().getError().getCode());
        assertEquals(
                "closed after 1 s without a request (subscribe to stay connected)",
                told.message().getError().getMessage());
        assertNull(client.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertNull(nextServed().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, listener.openConnections());
    }

    @Test
    void aRefusedPeerIsToldUnauthorizedAndDropped() throws Exception {
        EndpointListener listener = listen(peer -> Optional.of("uid " + peer.uid() + " may not use this endpoint"));
        Speaker<ExtensionMessage, HelperExtensionMessage> client = clientSpeaker(listener);
        Incoming<ExtensionMessage, HelperExtensionMessage> told = atClient.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(told != null, "the refused peer was told why");
        assertEquals(ErrorCode.UNAUTHORIZED.name(), told.message().getError().getCode());
        assertTrue(
                told.message().getError().getMessage().endsWith("may not use this endpoint"),
                told.message().getError().getMessage());
        client.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(served.isEmpty(), "no connection handler for a refused peer");
        assertEquals(0, listener.openConnections());
    }

    private static ExtensionMessage start(String url) {
        return ExtensionMessage.newBuilder()
                .setStartDaemon(StartDaemon.newBuilder().setAccessUrl(url))
                .build();
    }

    private Speaker<ExtensionMessage, HelperExtensionMessage> connected() throws Exception {
        return clientSpeaker(listen(peer -> {
            peers.add(peer);
            return Optional.empty();
        }));
    }

    private EndpointListener listen(Function<PeerIdentity, Optional<String>> policy) throws Exception {
        return listen(policy, ConnectionLimits.IDLE_TIMEOUT);
    }

    private EndpointListener listen(Function<PeerIdentity, Optional<String>> policy, Duration idleTimeout)
            throws Exception {
        // A name of its own, so that its speakers' threads can be told apart from other tests'.
        String name = "contract" + ENDPOINTS.incrementAndGet();
        EndpointListener listener = start(ExtensionEndpointSpecs.extension(
                name,
                policy,
                who -> {
                    Served s = new Served("speaker-" + name + "-client-");
                    served.add(s);
                    return s;
                },
                ConnectionLimits.of(idleTimeout, ConnectionLimits.PER_UID, ownUid())));
        cleanup.add(listener);
        return listener;
    }

    private Speaker<ExtensionMessage, HelperExtensionMessage> clientSpeaker(EndpointListener listener)
            throws Exception {
        Channel<ExtensionMessage, HelperExtensionMessage> channel = connect(listener);
        Speaker<ExtensionMessage, HelperExtensionMessage> speaker = Speaker.start(
                "contract-client",
                channel,
                Endpoints.EXTENSION,
                Endpoints.VERSIONS.versions().get(0),
                incoming -> {
                    if (incoming.message().getMsgCase() == HelperExtensionMessage.MsgCase.APPLY_NETWORK_SETTINGS
                            && incoming.isRequest()) {
                        incoming.reply(ExtensionMessage.newBuilder()
                                .setApplyNetworkSettingsResult(Result.newBuilder()
                                        .setSuccess(true)
                                        .setErrorMessage("applied "
                                                + incoming.message()
                                                        .getApplyNetworkSettings()
                                                        .getSettings()
                                                        .getTunnelRemoteAddress()))
                                .build());
                    } else {
                        atClient.add(incoming);
                    }
                });
        cleanup.add(speaker);
        return speaker;
    }

    private Served nextServed() throws InterruptedException {
        Served s = served.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(s != null, "the endpoint handed the peer to its connection factory");
        return s;
    }

    /**
     * The helper side of one accepted peer: answers StartDaemon, writing into an attached fd, and
     * throws on the one for {@link #THROW}.
     */
    private static final class Served implements PeerConnection<HelperExtensionMessage, ExtensionMessage> {
        static final String THROW = "throw";
        final CompletableFuture<Speaker<HelperExtensionMessage, ExtensionMessage>> speaker = new CompletableFuture<>();
        final CompletableFuture<Throwable> closed = new CompletableFuture<>();
        final CompletableFuture<Boolean> speakerAtFirstMessage = new CompletableFuture<>();
        private final String threadPrefix;
        volatile List<String> readersAtAttach;

        Served(String threadPrefix) {
            this.threadPrefix = threadPrefix;
        }

        @Override
        public void onMessage(Incoming<HelperExtensionMessage, ExtensionMessage> incoming) throws Exception {
            speakerAtFirstMessage.complete(speaker.getNow(null) == incoming.speaker());
            if (incoming.message().getMsgCase() != ExtensionMessage.MsgCase.START_DAEMON) {
                return;
            }
            if (incoming.message().getStartDaemon().getAccessUrl().equals(THROW)) {
                throw new IllegalStateException("a handler bug, on purpose");
            }
            for (var fd : incoming.fds()) {
                try (FileOutputStream out = new FileOutputStream(fd)) {
                    out.write("written by the helper through the carried fd".getBytes(StandardCharsets.UTF_8));
                }
            }
            String suffix =
                    incoming.fds().isEmpty() ? "" : " with " + incoming.fds().size() + " fd(s)";
            incoming.reply(HelperExtensionMessage.newBuilder()
                    .setStartDaemonResult(Result.newBuilder()
                            .setSuccess(true)
                            .setErrorMessage("started "
                                    + incoming.message().getStartDaemon().getAccessUrl() + suffix))
                    .build());
        }

        @Override
        public void attached(Speaker<HelperExtensionMessage, ExtensionMessage> s) {
            readersAtAttach = Thread.getAllStackTraces().keySet().stream()
                    .map(Thread::getName)
                    .filter(n -> n.startsWith(threadPrefix))
                    .toList();
            speaker.complete(s);
        }

        @Override
        public void closed(Throwable cause) {
            closed.complete(cause);
        }
    }
}
