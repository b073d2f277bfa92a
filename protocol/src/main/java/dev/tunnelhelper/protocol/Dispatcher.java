package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Speaker}'s deliveries, run one at a time in the order its reader queued them, on one
 * thread. Two kinds are queued: messages from the peer (requests and one-way messages), of which
 * at most {@code capacity} wait, so that beyond that the reader stops reading and the peer feels
 * back-pressure instead of us buffering without limit; and replies to our own requests, which
 * never wait for room (there are never more than the requests we made, and a full queue must not
 * keep a reply from the handler that waits for it).
 */
final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    /** One queued delivery; {@code counted} ones use up capacity, the {@code last} one ends the thread. */
    private record Entry(Runnable task, boolean counted, boolean last) {}

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final int capacity;
    private final Thread thread;
    private int counted;
    private boolean busy;
    private boolean refusing;

    Dispatcher(String threadName, int capacity) {
        this.capacity = capacity;
        this.thread = NamedThreads.create(threadName, this::loop);
    }

    void start() {
        thread.start();
    }

    /** Whether the caller is this dispatcher's thread, i.e. runs inside a delivery. */
    boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Queues a message from the peer, waiting while {@code capacity} are queued already.
     *
     * @return false if it was refused because the speaker is closing (the caller disposes of it)
     */
    synchronized boolean queueMessage(Runnable task) throws InterruptedException {
        while (counted >= capacity && !refusing) {
            wait();
        }
        if (refusing) {
            return false;
        }
        counted++;
        add(new Entry(task, true, false));
        return true;
    }

    /** Queues a reply's completion; never waits. */
    synchronized void queueReply(Runnable task) {
        add(new Entry(task, false, false));
    }

    /** Queues the last delivery: the thread ends after it. */
    synchronized void queueLast(Runnable task) {
        add(new Entry(task, false, true));
    }

    /**
     * Runs {@code task} at once on the calling thread when nothing is queued or running, which
     * keeps the order without a thread hop; otherwise does nothing.
     *
     * @return whether it ran
     */
    boolean runIfIdle(Runnable task) {
        synchronized (this) {
            if (busy || !queue.isEmpty()) {
                return false;
            }
            busy = true;
        }
        try {
            task.run();
        } finally {
            synchronized (this) {
                busy = false;
                notifyAll();
            }
        }
        return true;
    }

    /** From now on messages are refused instead of waited for (a closing speaker reads no more). */
    synchronized void refuseMessages() {
        refusing = true;
        notifyAll();
    }

    private void add(Entry entry) {
        queue.add(entry);
        notifyAll();
    }

    private void loop() {
        try {
            while (true) {
                Entry next;
                synchronized (this) {
                    while (queue.isEmpty() || busy) {
                        wait();
                    }
                    next = queue.poll();
                    if (next.counted()) {
                        counted--;
                    }
                    busy = true;
                    notifyAll();
                }
                try {
                    next.task().run();
                } catch (RuntimeException | Error e) {
                    log.error("a delivery failed", e);
                } finally {
                    synchronized (this) {
                        busy = false;
                    }
                }
                if (next.last()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
