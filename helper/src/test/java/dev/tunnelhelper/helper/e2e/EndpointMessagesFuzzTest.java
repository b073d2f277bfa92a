package dev.tunnelhelper.helper.e2e;

import static dev.tunnelhelper.protocol.testing.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.tunnelhelper.helper.session.ErrorLog;
import dev.tunnelhelper.helper.session.ScriptedTunnel;
import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.helper.session.SessionStatus;
import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.MessageDecoder;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.Error;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Any conversation on either endpoint of the real daemon (its sockets, admission, dispatch and
 * the app's and the extension's handlers, with a scripted tunnel behind the session): well-formed
 * messages of the endpoint's type with any content, ids and descriptors, frames of any payload,
 * and bytes that are not frames at all. While every frame decodes, every request is answered
 * exactly once (an answer, or an {@code error} with a documented code on one line, never
 * {@code INTERNAL}: that is a bug of the helper's) and the connection stays open; at the first
 * frame that does not, the helper closes the connection. Either way, once the connection is gone
 * the session is IDLE again, every descriptor sent was closed by the helper, and no thread logged
 * an error.
 */
class EndpointMessagesFuzzTest {
    private static final long PATIENCE_SECONDS = 30;
    private static final FrameCodec CODEC = new FrameCodec();
    /** The last request of every conversation: whether it is answered says whether the connection still listens. */
    private static final long SENTINEL_ID = Long.MAX_VALUE;

    private static ErrorLog errors;
    private static final IdleWatch IDLE = new IdleWatch();
    private static final ScriptedHelper HELPER = helper();

    /** Each endpoint: its hello role, what it receives and sends, and the id of a message either way. */
    private enum Endpoint {
        APP("app", false, AppMessage.parser(), HelperAppMessage.parser()) {
            @Override
            Message withRpc(Message m, RPC rpc) {
                return ((AppMessage) m).toBuilder().setRpc(rpc).build();
            }

            @Override
            Message sentinel() {
                return AppMessage.newBuilder()
                        .setRpc(RPC.newBuilder().setMsgId(SENTINEL_ID))
                        .setPing(Ping.getDefaultInstance())
                        .build();
            }

            @Override
            RPC rpcOf(Message m) {
                return m instanceof AppMessage a ? a.getRpc() : ((HelperAppMessage) m).getRpc();
            }

            @Override
            Error errorOf(Message reply) {
                HelperAppMessage r = (HelperAppMessage) reply;
                return r.hasError() ? r.getError() : null;
            }
        },
        EXTENSION("extension", true, ExtensionMessage.parser(), HelperExtensionMessage.parser()) {
            @Override
            Message withRpc(Message m, RPC rpc) {
                return ((ExtensionMessage) m).toBuilder().setRpc(rpc).build();
            }

            @Override
            Message sentinel() {
                // No message case: answered BAD_REQUEST, whatever the session is doing.
                return ExtensionMessage.newBuilder()
                        .setRpc(RPC.newBuilder().setMsgId(SENTINEL_ID))
                        .build();
            }

            @Override
            RPC rpcOf(Message m) {
                return m instanceof ExtensionMessage e ? e.getRpc() : ((HelperExtensionMessage) m).getRpc();
            }

            @Override
            Error errorOf(Message reply) {
                HelperExtensionMessage r = (HelperExtensionMessage) reply;
                return r.hasError() ? r.getError() : null;
            }
        };

        final String role;
        /** Whether its channel receives descriptors at all: the app endpoint's lets the kernel discard them. */
        final boolean takesDescriptors;

        final Parser<? extends Message> received;
        final Parser<? extends Message> sent;

        Endpoint(
                String role,
                boolean takesDescriptors,
                Parser<? extends Message> received,
                Parser<? extends Message> sent) {
            this.role = role;
            this.takesDescriptors = takesDescriptors;
            this.received = received;
            this.sent = sent;
        }

        abstract Message withRpc(Message m, RPC rpc);

        abstract Message sentinel();

        abstract RPC rpcOf(Message m);

        abstract Error errorOf(Message reply);
    }

    /** One write: bytes, with the descriptors that ride on its first byte. */
    private record Piece(ByteString bytes, List<Pipe> fds) {
        Piece(byte[] bytes, List<Pipe> fds) {
            this(ByteString.copyFrom(bytes), fds);
        }
    }

    @BeforeAll
    static void captureErrors() {
        errors = ErrorLog.capture();
    }

    @AfterAll
    static void releaseLogs() {
        errors.release();
    }

    @FuzzTest
    void anyConversationOnEitherEndpointIsAnsweredOrClosedAndLeavesNothingBehind(FuzzedDataProvider data)
            throws Exception {
        Endpoint endpoint = data.pickValue(Endpoint.values());
        List<Piece> pieces = onFrameStartsOnly(conversation(data, endpoint));
        Expected expected = expect(endpoint, pieces);

        try (AFUNIXSocket socket = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socketOf(endpoint)))) {
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(PATIENCE_SECONDS));
            OutputStream out = socket.getOutputStream();
            socket.setOutboundFileDescriptors();
            out.write(
                    ("tunnelhelper " + endpoint.role + " 1.0\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals("tunnelhelper helper 1.0", readLine(socket));
            try {
                for (Piece piece : pieces) {
                    if (!piece.fds().isEmpty()) {
                        List<FileDescriptor> fds = new ArrayList<>();
                        for (Pipe pipe : piece.fds()) {
                            fds.add(FileDescriptors.of(pipe.readEnd().get()));
                        }
                        socket.setOutboundFileDescriptors(fds.toArray(FileDescriptor[]::new));
                    }
                    piece.bytes().writeTo(out);
                    out.flush();
                }
                if (!expected.answersAll()) {
                    socket.shutdownOutput(); // a frame cut short ends here, as when a peer goes away
                }
            } catch (IOException closedMeanwhile) {
                assertTrue(!expected.answersAll(), "the helper closed a connection whose every frame decodes");
            }
            readReplies(socket, endpoint, expected);
        }

        HELPER.helper.connectionsDrained().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        IDLE.await(HELPER.helper.session().status());
        for (Piece piece : pieces) {
            for (Pipe pipe : piece.fds()) {
                assertClosedByTheHelper(pipe);
            }
        }
        assertEquals(List.of(), errors.drain(), "nothing went wrong on the helper's threads");
    }

    /** Up to 8 pieces: a message of the endpoint's type, a frame of any payload, or raw bytes; then the sentinel. */
    private static List<Piece> conversation(FuzzedDataProvider data, Endpoint endpoint) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
            switch (data.consumeInt(0, 3)) {
                case 0, 1 -> {
                    Message message = message(data, endpoint);
                    pieces.add(new Piece(CODEC.encode(message), pipes(data.consumeInt(0, 5))));
                }
                case 2 -> pieces.add(new Piece(frame(data.consumeBytes(data.consumeInt(0, 200))), List.of()));
                default -> pieces.add(new Piece(data.consumeBytes(data.consumeInt(0, 16)), List.of()));
            }
        }
        pieces.add(new Piece(CODEC.encode(endpoint.sentinel()), List.of()));
        return pieces;
    }

    /** The endpoint's message with whatever fields the bytes hold, then a request, one-way or reply id. */
    private static Message message(FuzzedDataProvider data, Endpoint endpoint) {
        Message message;
        try {
            message = endpoint.received.parseFrom(data.consumeBytes(data.consumeInt(0, 200)));
        } catch (InvalidProtocolBufferException e) {
            message = endpoint.withRpc(endpoint.sentinel(), RPC.getDefaultInstance());
        }
        return switch (data.consumeInt(0, 3)) {
            case 0 ->
                endpoint.withRpc(
                        message,
                        RPC.newBuilder().setMsgId(data.consumeLong(1, 1000)).build());
            case 1 -> endpoint.withRpc(message, RPC.getDefaultInstance());
            case 2 ->
                endpoint.withRpc(
                        message,
                        RPC.newBuilder().setResponseTo(data.consumeLong()).build());
            default -> message;
        };
    }

    private static byte[] frame(byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CODEC.writeFrame(out, payload);
        return out.toByteArray();
    }

    private static List<Pipe> pipes(int count) {
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pipes.add(Fds.pipe());
        }
        return pipes;
    }

    /**
     * Descriptors ride on the first byte of a frame (docs/protocol.md §2.3); a piece that a raw
     * piece before it moved into the middle of a frame keeps none (its pipes are closed here).
     */
    private static List<Piece> onFrameStartsOnly(List<Piece> pieces) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Integer> offsets = new ArrayList<>();
        for (Piece piece : pieces) {
            offsets.add(all.size());
            piece.bytes().writeTo(all);
        }
        byte[] bytes = all.toByteArray();
        java.util.Set<Integer> frameStarts = new java.util.HashSet<>();
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        try {
            do {
                frameStarts.add(bytes.length - in.available());
            } while (CODEC.readFrame(in) != null);
        } catch (IOException e) {
            // the frames end here; later pieces start no frame the helper reads
        }
        List<Piece> kept = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            Piece piece = pieces.get(i);
            if (piece.fds().isEmpty() || frameStarts.contains(offsets.get(i))) {
                kept.add(piece);
            } else {
                piece.fds().forEach(Pipe::close);
                kept.add(new Piece(piece.bytes(), List.of()));
            }
        }
        return kept;
    }

    /**
     * What the helper must do, worked out by decoding the same bytes as it does: the requests it
     * must answer (by id, with how many times), and whether every frame decodes (then the
     * sentinel is answered too and the connection stays open) or not (then it closes).
     */
    private record Expected(Map<Long, Integer> requests, boolean answersAll) {}

    private static Expected expect(Endpoint endpoint, List<Piece> pieces) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Map<Integer, Integer> fdsAt = new HashMap<>();
        for (Piece piece : pieces) {
            fdsAt.put(all.size(), piece.fds().size());
            piece.bytes().writeTo(all);
        }
        byte[] bytes = all.toByteArray();
        MessageDecoder<? extends Message> decoder = new MessageDecoder<>(endpoint.received, CODEC);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        Map<Long, Integer> requests = new HashMap<>();
        while (true) {
            int at = bytes.length - in.available();
            if (endpoint.takesDescriptors && fdsAt.getOrDefault(at, 0) > UnixSocketChannel.MAX_FDS_PER_MESSAGE) {
                return new Expected(requests, false); // more than 4 descriptors on one frame: a violation
            }
            Message m;
            try {
                m = decoder.read(in);
            } catch (IOException e) {
                return new Expected(requests, false);
            }
            if (m == null) {
                return new Expected(requests, true);
            }
            RPC rpc = endpoint.rpcOf(m);
            if (rpc.getMsgId() != 0 && rpc.getResponseTo() == 0) {
                requests.merge(rpc.getMsgId(), 1, Integer::sum);
            }
        }
    }

    /**
     * Reads the helper's messages: while every frame decodes, until each request had its reply;
     * else to the end of the stream. Replies must be to requests we made, and errors documented.
     */
    private static void readReplies(AFUNIXSocket socket, Endpoint endpoint, Expected expected) throws IOException {
        Map<Long, Integer> outstanding = new HashMap<>(expected.requests());
        MessageDecoder<? extends Message> decoder = new MessageDecoder<>(endpoint.sent, CODEC);
        while (!(expected.answersAll() && outstanding.isEmpty())) {
            Message reply;
            try {
                reply = decoder.read(socket.getInputStream());
            } catch (java.net.SocketException reset) {
                reply = null; // the helper closed with our bytes unread: a reset is its close
            }
            if (reply == null) {
                assertTrue(
                        !expected.answersAll(), "the helper closed the connection with " + outstanding + " unanswered");
                return;
            }
            RPC rpc = endpoint.rpcOf(reply);
            Error error = endpoint.errorOf(reply);
            if (rpc.getResponseTo() == 0) {
                assertNull(error, "a one-way error on a connection that did nothing to deserve one: " + reply);
                continue; // the helper's own requests (a CancelProvider) go unanswered here
            }
            Integer left = outstanding.get(rpc.getResponseTo());
            assertTrue(left != null, "a reply to no request of ours: " + reply);
            if (left == 1) {
                outstanding.remove(rpc.getResponseTo());
            } else {
                outstanding.put(rpc.getResponseTo(), left - 1);
            }
            if (error != null) {
                assertTrue(ErrorCode.of(error).isPresent(), "an undocumented error code: " + error);
                assertNotEquals(ErrorCode.INTERNAL.name(), error.getCode(), "a fault of the helper's: " + error);
                assertOneLine(error.getMessage());
            }
        }
    }

    /** With our own read end closed, a write finds no reader: the helper kept no copy. */
    private static void assertClosedByTheHelper(Pipe pipe) {
        pipe.readEnd().close();
        try (OutputStream toNobody = Fds.outputStream(pipe.writeEnd())) {
            assertThrows(IOException.class, () -> toNobody.write(1), "the helper still holds a descriptor we sent");
        } catch (IOException e) {
            fail(e);
        }
    }

    private static String readLine(AFUNIXSocket socket) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = socket.getInputStream().read();
                b != '\n';
                b = socket.getInputStream().read()) {
            if (b < 0) {
                return fail("the helper closed the connection during the hello: " + line);
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private static java.nio.file.Path socketOf(Endpoint endpoint) {
        return endpoint == Endpoint.APP
                ? HELPER.helper.paths().appSocket()
                : HELPER.helper.paths().extensionSocket();
    }

    /** Waits for IDLE without polling: armed before the status is asked, so no transition is missed. */
    private static final class IdleWatch implements SessionEventListener {
        private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());

        @Override
        public void stateChanged(SessionStatus status) {
            if (status.phase() == SessionPhase.IDLE) {
                next.get().complete(null);
            }
        }

        void await(CompletableFuture<SessionStatus> status) throws Exception {
            CompletableFuture<Void> idle = new CompletableFuture<>();
            next.set(idle);
            if (status.get(PATIENCE_SECONDS, TimeUnit.SECONDS).phase() != SessionPhase.IDLE) {
                idle.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    private static ScriptedHelper helper() {
        try {
            ScriptedHelper helper = ScriptedHelper.start(Files.createTempDirectory("endpoint-fuzz"));
            // The raw client never answers the helper's requests: a start must not wait for network settings.
            helper.launcher.script(ScriptedTunnel.Script.normal().onStart(ScriptedTunnel.OnStart.ANSWER));
            helper.helper.addListener(IDLE);
            return helper;
        } catch (Exception e) {
            throw new IllegalStateException("the helper did not start", e);
        }
    }
}
