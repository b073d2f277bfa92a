package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FdsTest {

    @Test
    void pipeEndsAreCloexecAndCarryData() throws Exception {
        try (Pipe p = Fds.pipe()) {
            assertTrue(Fds.isCloexec(p.readEnd().get()));
            assertTrue(Fds.isCloexec(p.writeEnd().get()));
            try (OutputStream out = Fds.outputStream(p.writeEnd())) {
                out.write("hello, fd".getBytes(StandardCharsets.UTF_8));
            }
            assertFalse(p.writeEnd().isOpen(), "closing the stream closes the owned fd");
            try (InputStream in = Fds.inputStream(p.readEnd())) {
                assertEquals("hello, fd", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void cloexecCanBeToggled() {
        try (Pipe p = Fds.pipe()) {
            int fd = p.readEnd().get();
            Fds.setCloexec(fd, false);
            assertFalse(Fds.isCloexec(fd));
            Fds.setCloexec(fd, true);
            assertTrue(Fds.isCloexec(fd));
        }
    }

    @Test
    void ownedFdClosesExactlyOnce() {
        Pipe p = Fds.pipe();
        int number = p.readEnd().get();
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, () -> p.readEnd().get());
        NativeException e = assertThrows(NativeException.class, () -> Fds.isCloexec(number));
        assertEquals(9, e.errno(), "the number must really be closed (EBADF)");
    }

    @Test
    void releasedFdIsNotClosedByItsFormerOwner() {
        Pipe p = Fds.pipe();
        int fd = p.readEnd().release();
        p.close();
        assertTrue(Fds.isCloexec(fd), "still open after the pipe was closed");
        OwnedFd.adopt(fd).close();
    }

    @Test
    void waitReadableReportsDataAndTimeout() {
        try (Pipe p = Fds.pipe()) {
            assertFalse(Fds.waitReadable(p.readEnd().get(), Duration.ofMillis(20)));
            Fds.write(p.writeEnd().get(), new byte[] {1, 2, 3}, 1, 2);
            assertTrue(Fds.waitReadable(p.readEnd().get(), Duration.ofSeconds(1)));
            byte[] buf = new byte[8];
            assertEquals(2, Fds.read(p.readEnd().get(), buf, 3, 5));
            assertEquals(2, buf[3]);
            assertEquals(3, buf[4]);
        }
    }

    @Test
    void closeOfABadFdIsANativeException() {
        OwnedFd bogus = OwnedFd.adopt(999_999);
        NativeException e = assertThrows(NativeException.class, bogus::close);
        assertEquals(9, e.errno());
        assertTrue(e.getMessage().contains("Bad file descriptor"), e.getMessage());
    }

    @Test
    void closingAStreamFromAnotherThreadEndsABlockedRead() throws Exception {
        Pipe p = Fds.pipe();
        java.io.InputStream in = Fds.inputStream(p.readEnd());
        var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return in.read();
            } catch (java.io.IOException e) {
                return -2;
            }
        });
        Thread.sleep(200); // the reader is now blocked: nothing was written
        in.close();
        assertEquals(-2, reader.get(5, java.util.concurrent.TimeUnit.SECONDS), "the blocked read ends with an IOException");
        p.writeEnd().close();
    }

    @Test
    void closingAStreamFromAnotherThreadEndsABlockedWrite() throws Exception {
        Pipe p = Fds.pipe();
        java.io.OutputStream out = Fds.outputStream(p.writeEnd());
        var writer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                out.write(new byte[1 << 20]); // far more than a pipe buffers: blocks
                return "written";
            } catch (java.io.IOException e) {
                return e.getMessage();
            }
        });
        Thread.sleep(200);
        out.close();
        assertEquals("stream closed", writer.get(5, java.util.concurrent.TimeUnit.SECONDS));
        p.readEnd().close();
    }

    @Test
    void aStreamReadsWhatIsWrittenAndEndOfFileAfterTheWriterCloses() throws Exception {
        Pipe p = Fds.pipe();
        try (java.io.InputStream in = Fds.inputStream(p.readEnd())) {
            try (java.io.OutputStream out = Fds.outputStream(p.writeEnd())) {
                out.write(new byte[] {1, 2, 3});
            }
            assertArrayEqualsBytes(new byte[] {1, 2, 3}, in.readAllBytes());
        }
    }

    private static void assertArrayEqualsBytes(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
