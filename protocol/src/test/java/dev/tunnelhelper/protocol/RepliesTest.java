package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A blocking call's outcome as its caller sees it: the reply, or an {@link IOException} for every
 * way the reply can fail (the speaker's own failure as it was, anything else wrapped and named
 * after the peer), and an interrupt that stays set for the caller's caller.
 */
class RepliesTest {

    @Test
    void aReplyIsReturned() throws Exception {
        assertEquals("pong", Replies.await(CompletableFuture.completedFuture("pong"), "tunnel"));
    }

    @Test
    void theSpeakersOwnIoFailureIsThrownAsItIs() {
        RpcTimeoutException timeout = new RpcTimeoutException("no reply within 5000 ms");
        IOException thrown =
                assertThrows(IOException.class, () -> Replies.await(CompletableFuture.failedFuture(timeout), "tunnel"));
        assertSame(timeout, thrown);
    }

    @Test
    void anyOtherFailureBecomesAnIoExceptionNamingThePeer() {
        IllegalStateException bug = new IllegalStateException("boom");
        IOException thrown =
                assertThrows(IOException.class, () -> Replies.await(CompletableFuture.failedFuture(bug), "tunnel"));
        assertEquals("request to tunnel failed: java.lang.IllegalStateException: boom", thrown.getMessage());
        assertSame(bug, thrown.getCause());
    }

    @Test
    void aCancelledRequestIsAnIoException() {
        CompletableFuture<String> reply = new CompletableFuture<>();
        reply.cancel(false);
        IOException thrown = assertThrows(IOException.class, () -> Replies.await(reply, "helper"));
        assertEquals("request to helper was cancelled", thrown.getMessage());
    }

    @Test
    void anInterruptedWaitEndsAtOnceAndKeepsTheInterrupt() {
        Thread.currentThread().interrupt();
        InterruptedIOException thrown = assertThrows(
                InterruptedIOException.class, () -> Replies.await(new CompletableFuture<String>(), "helper"));
        assertEquals("interrupted waiting for a reply from helper", thrown.getMessage());
        assertTrue(Thread.interrupted(), "the thread is still marked interrupted");
    }
}
