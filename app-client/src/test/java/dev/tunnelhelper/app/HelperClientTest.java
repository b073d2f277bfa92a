package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import dev.tunnelhelper.protocol.helper.PeerState;
import dev.tunnelhelper.protocol.helper.Pong;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.protocol.testing.ScriptedHelper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's call-only client against a scripted helper on a real socket: each call sends its own
 * request and returns the answer of its own kind; an error reply, an answer of another kind and a
 * close each become their own exception.
 */
@Timeout(60)
class HelperClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void pingAsksForAPongAndReturnsIt() throws Exception {
        try (var helper = ScriptedHelper.app(dir);
                var client = HelperClient.connect(helper.socket(), TIMEOUT)) {
            CompletableFuture<AppMessage> sent = helper.answerNext(HelperAppMessage.newBuilder()
                    .setPong(Pong.newBuilder().setHelperVersion("1.2.3"))
                    .build());
            assertEquals("1.2.3", client.ping().getHelperVersion());
            assertTrue(sent.get(10, TimeUnit.SECONDS).hasPing());
        }
    }

    @Test
    void statusAsksForTheStatusAndReturnsIt() throws Exception {
        try (var helper = ScriptedHelper.app(dir);
                var client = HelperClient.connect(helper.socket(), TIMEOUT)) {
            HelperStatus running = HelperStatus.newBuilder()
                    .setState(SessionState.SESSION_STATE_RUNNING)
                    .setAccessUrl("https://coder.example.com")
                    .build();
            CompletableFuture<AppMessage> sent = helper.answerNext(
                    HelperAppMessage.newBuilder().setStatus(running).build());
            assertEquals(running, client.status());
            assertTrue(sent.get(10, TimeUnit.SECONDS).hasGetStatus());
        }
    }

    @Test
    void peerStateAsksForThePeersAndReturnsThemWithTheStatus() throws Exception {
        try (var helper = ScriptedHelper.app(dir);
                var client = HelperClient.connect(helper.socket(), TIMEOUT)) {
            PeerState state = PeerState.newBuilder()
                    .setStatus(HelperStatus.newBuilder().setState(SessionState.SESSION_STATE_IDLE))
                    .build();
            CompletableFuture<AppMessage> sent = helper.answerNext(
                    HelperAppMessage.newBuilder().setPeerState(state).build());
            assertEquals(state, client.peerState());
            assertTrue(sent.get(10, TimeUnit.SECONDS).hasGetPeerState());
        }
    }

    @Test
    void anErrorReplyThrowsTheHelpersCodeAndMessage() throws Exception {
        try (var helper = ScriptedHelper.app(dir);
                var client = HelperClient.connect(helper.socket(), TIMEOUT)) {
            helper.answerNext(HelperAppMessage.newBuilder()
                    .setError(ErrorCode.UNAVAILABLE.error("the tunnel did not answer: timeout"))
                    .build());
            HelperErrorException e = assertThrows(HelperErrorException.class, client::peerState);
            assertEquals(Optional.of(ErrorCode.UNAVAILABLE), e.errorCode());
            assertEquals("the tunnel did not answer: timeout", e.helperMessage());
        }
    }

    @Test
    void anAnswerOfAnotherKindIsAnErrorNamingBothKinds() throws Exception {
        try (var helper = ScriptedHelper.app(dir);
                var client = HelperClient.connect(helper.socket(), TIMEOUT)) {
            helper.answerNext(HelperAppMessage.newBuilder()
                    .setPong(Pong.getDefaultInstance())
                    .build());
            IOException e = assertThrows(IOException.class, client::status);
            assertFalse(e instanceof HelperErrorException, e.toString());
            assertEquals("helper answered PONG where STATUS was expected", e.getMessage());
        }
    }

    @Test
    void aCallCutOffByAPlainCloseSaysTheHelperClosedTheConnection() throws Exception {
        try (var helper = ScriptedHelper.app(dir);
                var client = HelperClient.connect(helper.socket(), TIMEOUT)) {
            helper.closeAfterNextMessage(List.of());
            IOException e = assertThrows(IOException.class, client::ping);
            assertFalse(e instanceof HelperErrorException, e.toString());
            assertEquals("the helper closed the connection (" + helper.socket() + ")", e.getMessage());
        }
    }

    @Test
    void closingTheClientEndsTheConnectionSoTheHelperSeesItGone() throws Exception {
        try (var helper = ScriptedHelper.app(dir)) {
            CompletableFuture<AppMessage> next = new CompletableFuture<>();
            helper.play(h -> next.complete(h.receive()));
            HelperClient.connect(helper.socket(), TIMEOUT).close();
            assertNull(next.get(10, TimeUnit.SECONDS), "the helper reads the end of the stream, no message");
        }
    }
}
