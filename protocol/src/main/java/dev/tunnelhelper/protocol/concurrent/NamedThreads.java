package dev.tunnelhelper.protocol.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place threads are made (in the spirit of OkHttp's TaskRunner): every thread is a
 * named daemon, so a thread dump says who owns it and none keeps the JVM alive on its own, and an
 * exception that escapes a task is logged with the thread's name instead of vanishing on stderr.
 */
public final class NamedThreads {
    private static final Logger log = LoggerFactory.getLogger(NamedThreads.class);

    private static void logUncaught(Thread thread, Throwable error) {
        log.atError()
                .setMessage("uncaught exception")
                .addKeyValue("thread", thread.getName())
                .setCause(error)
                .log();
    }

    private NamedThreads() {}

    /** A daemon thread called {@code name}, not yet started. */
    public static Thread create(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(NamedThreads::logUncaught);
        return t;
    }

    /** Starts {@code task} on a daemon thread called {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread t = create(name, task);
        t.start();
        return t;
    }

    /** For executors: daemon threads called {@code prefix-1}, {@code prefix-2}, … */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger next = new AtomicInteger(1);
        return task -> create(prefix + "-" + next.getAndIncrement(), task);
    }
}
