package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A speaker's deliveries: in order, one at a time, and at most {@code capacity} peer messages waiting. */
@Timeout(60)
class DispatcherTest {

    /** Queues a message from another thread, as the speaker's reader does; completes with the answer. */
    private static CompletableFuture<Boolean> queueFromReader(Dispatcher dispatcher, Runnable task) {
        var taken = new CompletableFuture<Boolean>();
        Thread reader = NamedThreads.start("test-reader", () -> {
            try {
                taken.complete(dispatcher.queueMessage(task));
            } catch (InterruptedException e) {
                taken.completeExceptionally(e);
            }
        });
        // Either it was let in, or it waits for room: the two outcomes the tests tell apart.
        while (!taken.isDone() && reader.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        return taken;
    }

    @Test
    void atMostCapacityMessagesWaitAndAReaderWaitingForRoomIsTurnedAwayOnceMessagesAreRefused() throws Exception {
        var dispatcher = new Dispatcher("test-dispatch", 2); // not started: nothing leaves the queue
        assertTrue(dispatcher.queueMessage(() -> {}));
        assertTrue(dispatcher.queueMessage(() -> {}));
        var third = queueFromReader(dispatcher, () -> {});
        assertFalse(third.isDone(), "a third message was let in while two wait already");

        dispatcher.refuseMessages();
        assertFalse(third.get(10, TimeUnit.SECONDS), "refused, so the caller disposes of it");
        assertFalse(dispatcher.queueMessage(() -> {}));
    }

    @Test
    void aReaderWaitingForRoomIsLetInAsSoonAsAMessageLeavesTheQueue() throws Exception {
        var dispatcher = new Dispatcher("test-dispatch", 1);
        dispatcher.start();
        var delivered = new LinkedBlockingQueue<String>();
        var release = new CompletableFuture<Void>();
        dispatcher.queueMessage(() -> {
            delivered.add("m1");
            release.join();
        });
        assertEquals("m1", delivered.poll(10, TimeUnit.SECONDS));
        dispatcher.queueMessage(() -> delivered.add("m2"));
        var third = queueFromReader(dispatcher, () -> delivered.add("m3"));
        assertFalse(third.isDone(), "m2 fills the queue while m1 is being delivered");

        release.complete(null);
        assertEquals("m2", delivered.poll(10, TimeUnit.SECONDS));
        assertEquals("m3", delivered.poll(10, TimeUnit.SECONDS), "the waiting reader was let in");
        assertTrue(third.get(10, TimeUnit.SECONDS));
        dispatcher.queueLast(() -> {});
    }

    @Test
    void aTaskRunsAtOnceOnTheCallersThreadOnlyWhenNothingIsQueuedOrRunning() throws Exception {
        var dispatcher = new Dispatcher("test-dispatch", 4); // not started: what is queued stays queued
        var ranOn = new CompletableFuture<Thread>();
        assertTrue(dispatcher.runIfIdle(() -> ranOn.complete(Thread.currentThread())));
        assertEquals(Thread.currentThread(), ranOn.getNow(null));

        dispatcher.queueMessage(() -> {});
        var ran = new AtomicBoolean();
        assertFalse(dispatcher.runIfIdle(() -> ran.set(true)));
        assertFalse(ran.get(), "it would have overtaken the queued message");
    }

    @Test
    void aMessageQueuedWhileATaskRunsOnTheCallersThreadIsDeliveredRightAfterIt() throws Exception {
        var dispatcher = new Dispatcher("test-dispatch", 4);
        dispatcher.start();
        var delivered = new CompletableFuture<Void>();
        assertTrue(dispatcher.runIfIdle(() -> {
            try {
                dispatcher.queueMessage(() -> delivered.complete(null));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        delivered.get(10, TimeUnit.SECONDS);
        dispatcher.queueLast(() -> {});
    }
}
