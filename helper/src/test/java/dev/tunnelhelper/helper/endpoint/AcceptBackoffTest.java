package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSelectorProvider;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** The gate's answer to failing accepts (EMFILE): pause, retry, and a bounded number of log lines. */
class AcceptBackoffTest {
    private static IOException emfile() {
        return new IOException("Too many open files");
    }

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private AFUNIXServerSocketChannel server;
    private Selector selector;
    private SelectionKey acceptKey;
    private AcceptBackoff backoff;

    @BeforeEach
    void listen() throws IOException {
        server = AFUNIXSelectorProvider.provider().openServerSocketChannel();
        server.bind(AFUNIXSocketAddress.of(dir.resolve("s.sock")));
        server.configureBlocking(false);
        selector = AFUNIXSelectorProvider.provider().openSelector();
        acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
        backoff = new AcceptBackoff("app", acceptKey, now::get);
    }

    @AfterEach
    void close() throws IOException {
        selector.close();
        server.close();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aFailureStopsAcceptingForTheBackoffThenAcceptingResumes() {
        backoff.failed("accepting failed; pausing and retrying", emfile());
        assertEquals(0, acceptKey.interestOps(), "not accepting while paused");
        assertEquals(now.get() + AcceptBackoff.ACCEPT_BACKOFF.toNanos(), backoff.pausedUntil());
        advance(AcceptBackoff.ACCEPT_BACKOFF.minusNanos(1));
        backoff.resumeIfDue();
        assertEquals(0, acceptKey.interestOps(), "still paused one nanosecond before the end");
        advance(Duration.ofNanos(1));
        backoff.resumeIfDue();
        assertEquals(SelectionKey.OP_ACCEPT, acceptKey.interestOps());
        assertEquals(0, backoff.pausedUntil());
    }

    @Test
    void failingEvery100MillisWritesOneLinePerInterval() {
        int lines = 0;
        for (int i = 0; i < 250; i++) {
            if (backoff.failed("accepting failed; pausing and retrying", emfile())) {
                lines++;
            }
            advance(AcceptBackoff.ACCEPT_BACKOFF);
        }
        // 25 s of failures: a line at 0 s, 10 s and 20 s.
        assertEquals(3, lines);
    }

    @Test
    void aFailureAFullIntervalAfterTheLastLineIsLoggedOneBeforeIsNot() {
        assertTrue(backoff.failed("accepting failed; pausing and retrying", emfile()));
        advance(AcceptBackoff.ACCEPT_FAILURE_LOG_INTERVAL.minusNanos(1));
        assertFalse(backoff.failed("accepting failed; pausing and retrying", emfile()));
        advance(Duration.ofNanos(1));
        assertTrue(backoff.failed("accepting failed; pausing and retrying", emfile()));
    }
}
