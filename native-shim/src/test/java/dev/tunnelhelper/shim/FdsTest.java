package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
        try (Pipe p = Fds.pipe()) {
            InputStream in = Fds.inputStream(p.readEnd());
            Blocked reader = Blocked.start(() -> in.read());
            reader.awaitBlockedIn("waitReadyOrWoken"); // nothing was written: the read waits in poll
            CompletableFuture<Void> closing = closeOnAnotherThread(in);
            assertEquals("stream closed", reader.failure().getMessage(), "the blocked read ends with an IOException");
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void closingAStreamFromAnotherThreadEndsABlockedWrite() throws Exception {
        try (Pipe p = Fds.pipe()) {
            OutputStream out = Fds.outputStream(p.writeEnd());
            Blocked writer = Blocked.start(() -> {
                out.write(new byte[1 << 20]); // far more than a pipe buffers
                return 0;
            });
            writer.awaitBlockedIn("waitReadyOrWoken"); // the pipe is full and nobody reads
            CompletableFuture<Void> closing = closeOnAnotherThread(out);
            assertEquals("stream closed", writer.failure().getMessage());
            closing.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @org.junit.jupiter.api.condition.EnabledOnOs(
            value = org.junit.jupiter.api.condition.OS.LINUX,
            disabledReason = "counts the thread's context switches in /proc")
    void aBlockedReadSleepsUntilDataOrACloseInsteadOfWakingEverySlice() throws Exception {
        try (Pipe p = Fds.pipe()) {
            InputStream in = Fds.inputStream(p.readEnd());
            Blocked reader = Blocked.start(() -> in.read());
            reader.awaitBlockedIn("waitReadyOrWoken");
            String thread = reader.threadName();
            long before = KernelThreads.voluntarySwitches(thread);
            Thread.sleep(1000); // the span observed, not a wait for an outcome
            long woke = KernelThreads.voluntarySwitches(thread) - before;
            // Waiting in 50 ms slices, as before, was some twenty switches a second.
            assertTrue(woke < 5, "the blocked read woke " + woke + " times in a second");
            in.close();
            assertEquals("stream closed", reader.failure().getMessage());
        }
    }

    /**
     * Closes {@code stream} on another thread, so that a close that waits for the blocked call to
     * let go on its own (a lost wake-up: up to FdStreamGuard.SLICE) shows as that call not ending.
     */
    private static CompletableFuture<Void> closeOnAnotherThread(java.io.Closeable stream) {
        return CompletableFuture.runAsync(() -> {
            try {
                stream.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** An I/O call on a thread of its own, observed until it is parked in a given shim call. */
    private static final class Blocked {
        interface Io {
            int run() throws IOException;
        }

        private final CompletableFuture<Thread> thread = new CompletableFuture<>();
        private final CompletableFuture<Integer> result = new CompletableFuture<>();

        static Blocked start(Io io) {
            Blocked b = new Blocked();
            NamedThreads.start("blocked-io-" + NEXT.incrementAndGet(), () -> {
                b.thread.complete(Thread.currentThread());
                try {
                    b.result.complete(io.run());
                } catch (Throwable e) {
                    b.result.completeExceptionally(e);
                }
            });
            return b;
        }

        private static final java.util.concurrent.atomic.AtomicInteger NEXT =
                new java.util.concurrent.atomic.AtomicInteger();

        /** Returns once the call is inside {@code Fds.<method>} (its poll), i.e. really blocked. */
        void awaitBlockedIn(String method) throws Exception {
            Thread t = thread.get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Arrays.stream(t.getStackTrace())
                    .noneMatch(f -> f.getClassName().equals(Fds.class.getName())
                            && f.getMethodName().equals(method))) {
                assertFalse(result.isDone(), "the call ended before it blocked: " + result);
                assertTrue(System.nanoTime() < deadline, "the call never blocked in Fds." + method);
                Thread.onSpinWait();
            }
        }

        /** The name of the thread the call runs on. */
        String threadName() throws Exception {
            return thread.get(10, TimeUnit.SECONDS).getName();
        }

        /** The exception the call ended with; a call still blocked 10 s after the close fails the test. */
        Throwable failure() throws Exception {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> result.get(10, TimeUnit.SECONDS),
                    "the blocked call was not woken by the close");
            assertInstanceOf(IOException.class, e.getCause());
            return e.getCause();
        }
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

    @Test
    void streamsCarryMoreThanAPipeHoldsAtTheOffsetsGivenAndTouchNothingElse() throws Exception {
        byte[] sent = new byte[3 * FdInputStream.CHUNK + 4321];
        new java.util.Random(7).nextBytes(sent);
        Pipe p = Fds.pipe();
        try (InputStream in = Fds.inputStream(p.readEnd())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (OutputStream out = Fds.outputStream(p.writeEnd())) {
                    // From an offset, so a stream that wrote from the array's start would send the wrong bytes.
                    byte[] framed = new byte[sent.length + 10];
                    System.arraycopy(sent, 0, framed, 5, sent.length);
                    out.write(framed, 5, sent.length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] into = new byte[sent.length + 16];
            Arrays.fill(into, (byte) 0x5a);
            int filled = 8;
            while (filled < 8 + sent.length) {
                int n = in.read(into, filled, 8 + sent.length - filled);
                assertTrue(n > 0 && n <= FdInputStream.CHUNK, "one read returns at most one pipe's worth: " + n);
                filled += n;
            }
            writer.get(10, TimeUnit.SECONDS);
            assertEquals(-1, in.read(into, 0, 1), "end of file once the writer closed");
            assertArrayEqualsBytes(sent, Arrays.copyOfRange(into, 8, 8 + sent.length));
            for (int i : new int[] {0, 7, 8 + sent.length, into.length - 1}) {
                assertEquals((byte) 0x5a, into[i], "byte " + i + " outside the reads is untouched");
            }
        }
    }

    @Test
    void aStreamTakesWhatOneReadReturnsAndServesTheRestWithoutAskingAgain() throws Exception {
        Pipe p = Fds.pipe();
        try (InputStream in = Fds.inputStream(p.readEnd());
                OutputStream out = Fds.outputStream(p.writeEnd())) {
            out.write(new byte[] {0, 0, 0, 6, 1, 2, 3, 4, 5, 6});
            byte[] prefix = new byte[4];
            assertEquals(4, in.read(prefix, 0, 4));
            assertFalse(
                    Fds.waitReadable(p.readEnd().get(), Duration.ZERO),
                    "the pipe is empty: the stream took all ten bytes");
            assertEquals(6, in.available());
            byte[] payload = new byte[6];
            assertEquals(6, in.read(payload, 0, 6));
            assertArrayEqualsBytes(new byte[] {1, 2, 3, 4, 5, 6}, payload);
            assertEquals(0, in.available());
        }
    }

    @Test
    void aStreamRefusesBoundsOutsideTheArrayBeforeTouchingTheDescriptor() throws Exception {
        try (Pipe p = Fds.pipe();
                InputStream in = Fds.inputStream(p.readEnd());
                OutputStream out = Fds.outputStream(p.writeEnd())) {
            assertThrows(IndexOutOfBoundsException.class, () -> in.read(new byte[4], 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> out.write(new byte[4], 3, 2));
            assertFalse(Fds.waitReadable(p.readEnd().get(), Duration.ZERO), "nothing was written");
        }
    }

    private static void assertArrayEqualsBytes(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
