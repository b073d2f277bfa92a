package dev.tunnelhelper.protocol.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
