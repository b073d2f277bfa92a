package dev.tunnelhelper.shim.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.Envelope;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.StartDaemon;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.Pipe;
import dev.tunnelhelper.shim.XpcMessage;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The XPC carrier's queue between XPC callbacks and the reader: portable, so it runs everywhere. */
@Timeout(30)
class XpcInboxTest {
    private final XpcInbox<ExtensionMessage> inbox = new XpcInbox<>(ExtensionMessage.parser(), 2, "xpc:test");

    private static XpcMessage message(String url) {
        return new XpcMessage(
                ExtensionMessage.newBuilder()
                        .setStartDaemon(StartDaemon.newBuilder().setAccessUrl(url))
                        .build()
                        .toByteArray(),
                Optional.empty());
    }

    @Test
    void messagesArriveInOrderThenTheEndAfterTheQueueDrains() throws Exception {
        assertTrue(inbox.offer(message("a")));
        assertTrue(inbox.offer(message("b")));
        inbox.end();
        assertEquals("a", inbox.take().message().getStartDaemon().getAccessUrl());
        assertEquals("b", inbox.take().message().getStartDaemon().getAccessUrl());
        assertNull(inbox.take());
    }

    @Test
    void aReaderAlreadyWaitingGetsTheNextMessage() throws Exception {
        CompletableFuture<Envelope<ExtensionMessage>> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return inbox.take();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        inbox.offer(message("late"));
        assertEquals(
                "late",
                taken.get(5, TimeUnit.SECONDS).message().getStartDaemon().getAccessUrl());
    }

    @Test
    void anAttachedFdBecomesTheReceiversFileDescriptor() throws Exception {
        try (Pipe pipe = Fds.pipe()) {
            inbox.offer(new XpcMessage(
                    message("fd").payload(), Optional.of(Fds.dup(pipe.writeEnd().get()))));
            Envelope<ExtensionMessage> in = inbox.take();
            assertEquals(1, in.fds().size());
            try (FileOutputStream out = new FileOutputStream(in.fds().get(0))) {
                out.write("ok".getBytes(StandardCharsets.UTF_8));
            }
            try (InputStream read = Fds.inputStream(pipe.readEnd())) {
                assertEquals("ok", new String(read.readNBytes(2), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void overflowFailsTheReaderAndClosesQueuedFds() throws Exception {
        try (Pipe pipe = Fds.pipe()) {
            OwnedFd queued = Fds.dup(pipe.writeEnd().get());
            assertTrue(inbox.offer(new XpcMessage(message("1").payload(), Optional.of(queued))));
            assertTrue(inbox.offer(message("2")));
            assertFalse(inbox.offer(message("3")), "the third message does not fit: the caller must cancel");
            ProtocolException e = assertThrows(ProtocolException.class, inbox::take);
            assertEquals(
                    "xpc:test: more than 2 XPC messages waiting to be read; the connection was cancelled because its reader fell behind",
                    e.getMessage());
            assertFalse(queued.isOpen(), "the queued message's fd was closed");
        }
    }

    @Test
    void aPayloadTheDecoderRefusesFailsTheReaderAndClosesItsFd() throws Exception {
        try (Pipe pipe = Fds.pipe()) {
            OwnedFd attached = Fds.dup(pipe.writeEnd().get());
            inbox.offer(new XpcMessage(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, Optional.of(attached)));
            ProtocolException e = assertThrows(ProtocolException.class, inbox::take);
            assertTrue(e.getMessage().startsWith("garbage protobuf in a frame of 3 bytes"), e.getMessage());
            assertFalse(attached.isOpen(), "the fd that came with it was closed");
        }
    }

    @Test
    void aLocalCloseEndsTheReaderAtOnceAndDropsTheQueue() throws Exception {
        inbox.offer(message("dropped"));
        inbox.discard();
        assertNull(inbox.take());
        assertTrue(inbox.offer(message("after")), "late messages are dropped, not an overflow");
        assertNull(inbox.take());
    }
}
