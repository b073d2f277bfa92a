package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When a connection counts as idle (docs/protocol.md §2.1, "Idle timeout": a connection that sends
 * nothing for {@code connections.idleTimeoutSeconds}, unless subscribed or owning the session, is
 * closed with {@code IDLE_TIMEOUT}): never before the timeout has passed
 * since its last activity, never while a message is being handled or its handler keeps it open,
 * never after it was stopped, and then once. The timeouts are short so that the tests are; every
 * bound checked is one the watch must never cross (it may be late, never early).
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdleWatchTest {
    private static final Duration TIMEOUT = Duration.ofMillis(60);
    /** How long a test waits to see that something does not happen: several timeouts. */
    private static final long SEVERAL_TIMEOUTS_MS = 4 * TIMEOUT.toMillis();

    private final AtomicInteger idleRuns = new AtomicInteger();
    private final CompletableFuture<Long> idleAt = new CompletableFuture<>();

    private void onIdle() {
        idleRuns.incrementAndGet();
        idleAt.complete(System.nanoTime());
    }

    private static void assertNotBefore(long since, long at, String what) {
        assertTrue(
                at - since >= TIMEOUT.toNanos(),
                what + ": idle after " + TimeUnit.NANOSECONDS.toMillis(at - since) + " ms, timeout " + TIMEOUT);
    }

    @Test
    void anUntouchedConnectionIsIdleOnceTheTimeoutHasPassedAndOnlyOnce() throws Exception {
        IdleWatch watch = new IdleWatch(TIMEOUT, () -> false);
        long started = System.nanoTime();
        watch.start(this::onIdle);
        long at = idleAt.get(10, TimeUnit.SECONDS);
        assertNotBefore(started, at, "an untouched connection");
        assertThrows(
                TimeoutException.class,
                () -> new CompletableFuture<>().get(SEVERAL_TIMEOUTS_MS, TimeUnit.MILLISECONDS));
        assertEquals(1, idleRuns.get(), "found idle once; the watch stops itself");
    }

    @Test
    void aMessageBeingHandledKeepsItOpenAndTheTimeoutCountsFromWhenItWasHandled() throws Exception {
        IdleWatch watch = new IdleWatch(TIMEOUT, () -> false);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Speaker.Handler<Object, Object> handler = watch.around(incoming -> {
            entered.countDown();
            release.await();
        });
        watch.start(this::onIdle);
        CompletableFuture<Long> handled = new CompletableFuture<>();
        NamedThreads.start("idle-test-handler", () -> {
            try {
                handler.onMessage(null);
                handled.complete(System.nanoTime());
            } catch (Exception e) {
                handled.completeExceptionally(e);
            }
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        assertThrows(TimeoutException.class, () -> idleAt.get(SEVERAL_TIMEOUTS_MS, TimeUnit.MILLISECONDS));
        release.countDown();
        long done = handled.get(10, TimeUnit.SECONDS);
        assertNotBefore(done, idleAt.get(10, TimeUnit.SECONDS), "after a message was handled");
        watch.stop();
    }

    @Test
    void aMessageHandledAtOnceStillPostponesTheTimeout() throws Exception {
        IdleWatch watch = new IdleWatch(TIMEOUT, () -> false);
        Speaker.Handler<Object, Object> handler = watch.around(incoming -> {});
        long started = System.nanoTime();
        watch.start(this::onIdle);
        // Halfway through the timeout, a message: the first check finds the connection active
        // for less than a timeout and waits for the rest. A machine that stalls this thread past
        // the whole timeout sees it idle before the message can come; then only the first bound
        // applies.
        long messaged = Long.MAX_VALUE;
        try {
            idleAt.get(TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException halfway) {
            messaged = System.nanoTime();
            handler.onMessage(null);
        }
        long at = idleAt.get(10, TimeUnit.SECONDS);
        assertNotBefore(at < messaged ? started : messaged, at, "after a message");
        watch.stop();
    }

    @Test
    void aHandlerThatKeepsItOpenIsAskedAgainEachTimeoutUntilItNoLongerDoes() throws Exception {
        AtomicBoolean keepsOpen = new AtomicBoolean(true);
        Semaphore asked = new Semaphore(0);
        IdleWatch watch = new IdleWatch(TIMEOUT, () -> {
            asked.release();
            return keepsOpen.get();
        });
        watch.start(this::onIdle);
        assertTrue(asked.tryAcquire(3, 10, TimeUnit.SECONDS), "asked at each of three timeouts");
        assertFalse(idleAt.isDone(), "not idle while its handler keeps it open");
        keepsOpen.set(false);
        idleAt.get(10, TimeUnit.SECONDS);
        assertEquals(1, idleRuns.get());
    }

    @Test
    void aStoppedWatchNeverFindsTheConnectionIdle() {
        IdleWatch watch = new IdleWatch(TIMEOUT, () -> false);
        watch.start(this::onIdle);
        watch.stop();
        assertThrows(TimeoutException.class, () -> idleAt.get(SEVERAL_TIMEOUTS_MS, TimeUnit.MILLISECONDS));
    }

    /**
     * A peer that leaves at once closes its speaker before the watch is started: the close stops
     * the watch first (PeerAdmission), and must go on to release the connection's slot.
     */
    @Test
    void aWatchStoppedBeforeItStartedNeitherFailsNorEverFindsTheConnectionIdle() {
        IdleWatch watch = new IdleWatch(TIMEOUT, () -> false);
        watch.stop();
        watch.start(this::onIdle);
        assertThrows(TimeoutException.class, () -> idleAt.get(SEVERAL_TIMEOUTS_MS, TimeUnit.MILLISECONDS));
    }
}
