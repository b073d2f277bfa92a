package dev.tunnelhelper.protocol.concurrent;

import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
        return ours(new Thread(task, name));
    }

    /** What every thread made here is: a daemon whose escaping exceptions are logged. */
    private static <T extends Thread> T ours(T thread) {
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(NamedThreads::logUncaught);
        return thread;
    }

    /** Starts {@code task} on a daemon thread called {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread t = create(name, task);
        t.start();
        return t;
    }

    /**
     * Runs {@code task} on a daemon thread called {@code name} for as long as the task runs: a
     * thread of a shared pool, renamed to {@code name} first and back to {@link #IDLE_NAME}
     * after, so a thread dump and the log still say who owns it. For tasks that live as long as
     * one tunnel or one handshake (the tunnel's reaper and output, a handshake's read and write):
     * a warm start made four new threads for them, whose creation and first scheduling on two busy
     * CPUs were about 2 ms of it (docs/performance.md, stop 31). The pool keeps no more threads
     * than were busy at once in the last {@link #IDLE_SECONDS} seconds, so whatever bounds the
     * tasks (one tunnel at a time, its handshake) bounds the threads. An exception that escapes
     * the task is logged under the task's name, as {@link #create}'s handler does; after an
     * {@link Error} the thread ends, after anything else it goes back to the pool.
     */
    public static void run(String name, Runnable task) {
        TASK_THREADS.execute(() -> {
            Thread me = Thread.currentThread();
            me.setName(name);
            try {
                task.run();
            } catch (RuntimeException e) {
                logUncaught(me, e);
            } catch (Error e) {
                logUncaught(me, e);
                me.setUncaughtExceptionHandler((t, alreadyLogged) -> {});
                throw e;
            } finally {
                synchronized (TASK_ENDED) {
                    me.setName(IDLE_NAME);
                    TASK_ENDED.notifyAll();
                }
            }
        });
    }

    /**
     * True once {@code thread} has ended or, a thread of {@link #run}'s pool, has finished its
     * task; waits up to {@code limit} for that. What a test asks of "the thread that ran X".
     */
    public static boolean awaitFree(Thread thread, Duration limit) throws InterruptedException {
        if (!(thread instanceof TaskThread)) {
            thread.join(Math.max(1, limit.toMillis()));
            return !thread.isAlive();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (TASK_ENDED) {
            while (thread.isAlive() && !IDLE_NAME.equals(thread.getName())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TASK_ENDED.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
        return true;
    }

    /** How many threads {@link #run}'s pool holds, busy or idle. */
    static int pooledThreads() {
        return TASK_THREADS.getPoolSize();
    }

    /** The name of a thread of {@link #run}'s pool between tasks. */
    public static final String IDLE_NAME = "task-thread-idle";

    /** How long an idle pooled thread waits for the next task before it ends. */
    static final long IDLE_SECONDS = 30;

    /** Notified whenever a pooled thread finishes a task (and is renamed {@link #IDLE_NAME}). */
    private static final Object TASK_ENDED = new Object();

    /** A thread of {@link #run}'s pool: told apart from one-task threads by {@link #awaitFree}. */
    private static final class TaskThread extends Thread {
        TaskThread(Runnable task) {
            super(task, IDLE_NAME);
        }
    }

    private static final ThreadPoolExecutor TASK_THREADS = new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            IDLE_SECONDS,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            task -> ours(new TaskThread(task)));

    /** For executors: daemon threads called {@code prefix-1}, {@code prefix-2}, … */
    public static ThreadFactory factory(String prefix) {
        AtomicInteger next = new AtomicInteger(1);
        return task -> create(prefix + "-" + next.getAndIncrement(), task);
    }
}
