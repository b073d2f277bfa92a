package dev.tunnelhelper.protocol.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NamedThreadsTest {

    @Test
    void threadsAreNamedDaemonsThatRunTheirTask() throws Exception {
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        Thread t = NamedThreads.start(
                "worker-x", () -> ranOn.complete(Thread.currentThread().getName()));
        assertEquals("worker-x", ranOn.get(5, TimeUnit.SECONDS));
        assertTrue(t.isDaemon());
    }

    @Test
    void aFactoryNumbersItsThreads() {
        ThreadFactory f = NamedThreads.factory("pool");
        assertEquals("pool-1", f.newThread(() -> {}).getName());
        Thread second = f.newThread(() -> {});
        assertEquals("pool-2", second.getName());
        assertTrue(second.isDaemon());
    }

    @Test
    void anEscapingExceptionGoesToTheLoggingHandlerNotTheDefault() {
        Thread t = NamedThreads.create("failing", () -> {});
        assertTrue(t.getUncaughtExceptionHandler() != t.getThreadGroup(), "a handler of our own is installed");
    }

    @Test
    void aPooledTaskRunsUnderItsNameOnADaemonThatIsNamedIdleAfterAndRunsTheNextTask() throws Exception {
        CompletableFuture<Thread> first = new CompletableFuture<>();
        CompletableFuture<String> firstName = new CompletableFuture<>();
        NamedThreads.run("tunnel-reaper-1", () -> {
            firstName.complete(Thread.currentThread().getName());
            first.complete(Thread.currentThread());
        });
        Thread thread = first.get(5, TimeUnit.SECONDS);
        assertEquals("tunnel-reaper-1", firstName.get());
        assertTrue(thread.isDaemon());
        assertTrue(NamedThreads.awaitFree(thread, Duration.ofSeconds(5)));
        assertEquals(NamedThreads.IDLE_NAME, thread.getName(), "back in the pool, no longer the task's");

        // Free, then back in the pool's queue (its one timed wait) before the next task comes.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        int pooled = NamedThreads.pooledThreads();
        CompletableFuture<String> secondName = new CompletableFuture<>();
        NamedThreads.run(
                "tunnel-output-2",
                () -> secondName.complete(Thread.currentThread().getName()));
        assertEquals("tunnel-output-2", secondName.get(5, TimeUnit.SECONDS));
        assertEquals(pooled, NamedThreads.pooledThreads(), "an idle thread ran it; none was made");
    }

    @Test
    void awaitFreeWaitsForTheTaskNotForTheThread() throws Exception {
        CompletableFuture<Thread> running = new CompletableFuture<>();
        CompletableFuture<Void> release = new CompletableFuture<>();
        NamedThreads.run("handshake-read", () -> {
            running.complete(Thread.currentThread());
            release.join();
        });
        Thread thread = running.get(5, TimeUnit.SECONDS);
        assertFalse(NamedThreads.awaitFree(thread, Duration.ofMillis(50)), "the task still runs");
        assertEquals("handshake-read", thread.getName());
        release.complete(null);
        assertTrue(NamedThreads.awaitFree(thread, Duration.ofSeconds(5)));
        assertTrue(thread.isAlive(), "the thread stays in the pool for the next task");
    }

    @Test
    void aTaskThatThrowsLeavesItsThreadInThePool() throws Exception {
        CompletableFuture<Thread> failing = new CompletableFuture<>();
        NamedThreads.run("tunnel-output-3", () -> {
            failing.complete(Thread.currentThread());
            throw new IllegalStateException("the task's own failure");
        });
        Thread thread = failing.get(5, TimeUnit.SECONDS);
        assertTrue(NamedThreads.awaitFree(thread, Duration.ofSeconds(5)));
        assertTrue(thread.isAlive(), "back in the pool, not ended");
        assertEquals(NamedThreads.IDLE_NAME, thread.getName());
    }

    @Test
    void awaitFreeOnAOneTaskThreadIsAJoin() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        Thread t = NamedThreads.start("worker-y", release::join);
        assertFalse(NamedThreads.awaitFree(t, Duration.ofMillis(50)));
        release.complete(null);
        assertTrue(NamedThreads.awaitFree(t, Duration.ofSeconds(5)));
        assertFalse(t.isAlive());
    }
}
