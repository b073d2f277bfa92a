package dev.tunnelhelper.helper.session;

import static dev.tunnelhelper.protocol.testing.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.vpn.RPC;
import dev.tunnelhelper.protocol.vpn.StartResponse;
import dev.tunnelhelper.protocol.vpn.TunnelMessage;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A hostile or buggy tunnel: once the StartRequest arrives it writes whatever the fuzzer chose on
 * its pipe (well-formed TunnelMessages of any kind and id, frames of any payload, bytes that are
 * not frames at all), then exits, closes its pipe while staying alive, or waits. Whatever it
 * writes, the real session core (one {@link TunnelSession} for every input, so nothing may stay
 * behind from the input before) answers the start in time: running, or failed with one of the
 * reasons docs/protocol.md lists for "starting the tunnel: ", on one line; it ends IDLE with the
 * child gone and the TUN descriptor closed, and nothing ever escapes onto the session's thread.
 */
class HostileTunnelFuzzTest {
    private static final long PATIENCE_SECONDS = 30;
    /** docs/protocol.md §2.6, the reasons after "starting the tunnel: " (and a running tunnel's end, §2.4). */
    private static final List<String> DOCUMENTED_REASONS = List.of(
            "the tunnel refused: ",
            "no StartResponse within ",
            "tunnel exited: ",
            "tunnel protocol error: ",
            "the tunnel closed its pipe but is still running",
            "the tunnel answered ");

    private static final FrameCodec CODEC = new FrameCodec();
    private static final ScriptedLauncher LAUNCHER = new ScriptedLauncher();
    private static final FakeAcquirer ACQUIRER = new FakeAcquirer();
    private static final FakeExtension OWNER = new FakeExtension("fuzzed");
    /** Errors logged by the session's thread, its workers, or any thread's uncaught exception; a failed start is expected. */
    private static ErrorLog errors;

    private static final TunnelSession SESSION = new TunnelSession(
            SessionHarness.settings()
                    .killGrace(Duration.ofMillis(20))
                    .startTimeout(Duration.ofMillis(50))
                    .build(),
            ACQUIRER,
            LAUNCHER);

    /** How the tunnel goes on once its bytes are written. */
    private enum Then {
        EXIT,
        CLOSE_PIPE_AND_HANG,
        WAIT
    }

    @BeforeAll
    static void captureErrors() {
        errors = ErrorLog.capture("session failed");
    }

    @AfterAll
    static void releaseLogs() {
        errors.release();
    }

    @FuzzTest
    void anyTunnelOutputDuringAStartEndsTheSessionCleanlyWithADocumentedReason(FuzzedDataProvider data)
            throws Exception {
        byte[] output = tunnelOutput(data);
        Then then = data.pickValue(Then.values());
        int exitCode = data.consumeInt(0, 255);
        LAUNCHER.hostile((tunnel, startId) -> {
            byte[] bytes = output.clone();
            patchStartId(bytes, startId);
            try {
                tunnel.sendRaw(bytes);
            } catch (IOException sessionGaveUp) {
                // the session closed the pipe on what came before: the rest is never read
            } finally {
                switch (then) {
                    case EXIT -> tunnel.exitWith(exitCode);
                    case CLOSE_PIPE_AND_HANG -> tunnel.closePipeAndHang();
                    case WAIT -> {}
                }
            }
        });
        OWNER.cancels.clear();
        ACQUIRER.requests.clear();
        OwnedFd tun = SessionHarness.tun();

        CompletableFuture<Void> start = SESSION.start(SessionHarness.params(), tun, OWNER);
        ScriptedTunnel tunnel = LAUNCHER.spawned.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertTrue(tunnel != null, "no tunnel was spawned");
        String failure = startOutcome(start);
        if (failure == null) {
            // It runs: a stop ends it, or it ended by itself and told the extension why.
            within(SESSION.stop(OWNER), "a stop after the hostile start");
            String cancel = OWNER.cancels.poll();
            if (cancel != null && !cancel.isEmpty()) {
                assertDocumented(cancel);
            }
        } else {
            assertTrue(failure.startsWith("starting the tunnel: "), failure);
            assertDocumented(failure.substring("starting the tunnel: ".length()));
        }

        SessionStatus after = within(SESSION.status(), "the status");
        assertEquals(SessionPhase.IDLE, after.phase(), "the session ends IDLE");
        assertTrue(tunnel.exit().isDone(), "the child is gone once the session is IDLE");
        assertFalse(tun.isOpen(), "the session closed the TUN descriptor it took over");
        assertEquals(List.of(), errors.drain(), "nothing went wrong on the session's threads");
    }

    /**
     * Up to 8 pieces: a TunnelMessage (any bytes merged in, then a kind and ids chosen, a reply to
     * the start among them), a frame around any payload, or raw bytes. A reply to the start is
     * written with id 0 and {@link #patchStartId patched}: the start's id is known only when it comes.
     */
    private static byte[] tunnelOutput(FuzzedDataProvider data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pieces = data.consumeInt(0, 8);
        for (int i = 0; i < pieces; i++) {
            switch (data.consumeInt(0, 2)) {
                case 0 -> out.write(CODEC.encode(message(data)));
                case 1 -> CODEC.writeFrame(out, data.consumeBytes(data.consumeInt(0, 256)));
                default -> out.write(data.consumeBytes(data.consumeInt(0, 64)));
            }
        }
        return out.toByteArray();
    }

    private static TunnelMessage message(FuzzedDataProvider data) {
        TunnelMessage.Builder message = TunnelMessage.newBuilder();
        try {
            message.mergeFrom(data.consumeBytes(data.consumeInt(0, 128)));
        } catch (InvalidProtocolBufferException e) {
            message.clear(); // what did not parse is the raw pieces' business
        }
        if (data.consumeBoolean()) {
            message.setStart(StartResponse.newBuilder()
                    .setSuccess(data.consumeBoolean())
                    .setErrorMessage(data.consumeString(40)));
        }
        switch (data.consumeInt(0, 3)) {
            case 0 -> message.setRpc(RPC.newBuilder().setResponseTo(START_ID_PLACEHOLDER));
            case 1 -> message.setRpc(RPC.newBuilder().setMsgId(data.consumeLong()));
            case 2 -> message.setRpc(RPC.newBuilder().setResponseTo(data.consumeLong()));
            default -> {} // as merged
        }
        return message.build();
    }

    /** A response_to no session ever sends, as 8 fixed bytes, so it can be found and replaced. */
    private static final long START_ID_PLACEHOLDER = 0x7A7A7A7A7A7A7A7AL;

    /** Each placeholder becomes the start's id, padded to the same length so that every frame stays intact. */
    private static void patchStartId(byte[] bytes, long startId) {
        byte[] placeholder = varint(START_ID_PLACEHOLDER);
        byte[] id = paddedVarint(startId, placeholder.length);
        for (int i = 0; i + placeholder.length <= bytes.length; i++) {
            if (ByteBuffer.wrap(bytes, i, placeholder.length).equals(ByteBuffer.wrap(placeholder))) {
                System.arraycopy(id, 0, bytes, i, id.length);
            }
        }
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    /** {@code value} as a varint of exactly {@code length} bytes (protobuf accepts non-minimal varints). */
    private static byte[] paddedVarint(long value, int length) {
        byte[] out = new byte[length];
        long v = value;
        for (int i = 0; i < length; i++) {
            out[i] = (byte) ((v & 0x7F) | (i < length - 1 ? 0x80 : 0));
            v >>>= 7;
        }
        return out;
    }

    /** Null when the start ran; else its failure's message, which must be a SessionFailure on one line. */
    private static String startOutcome(CompletableFuture<Void> start) throws InterruptedException {
        try {
            start.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            SessionFailure failure =
                    assertInstanceOf(SessionFailure.class, e.getCause(), "a start fails as a SessionFailure");
            assertOneLine(failure.getMessage());
            return failure.getMessage();
        } catch (TimeoutException e) {
            return fail("the start was never answered (a hang)");
        }
    }

    private static void assertDocumented(String reason) {
        assertOneLine(reason);
        assertTrue(
                DOCUMENTED_REASONS.stream().anyMatch(reason::startsWith),
                "not a reason docs/protocol.md lists: " + reason);
    }

    private static <T> T within(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return fail(what + " was never answered (a hang)");
        }
    }
}
