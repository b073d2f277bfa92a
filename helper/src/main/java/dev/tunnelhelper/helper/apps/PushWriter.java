package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.Pipe;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes every subscriber's outgoing bytes, however many subscribe: it
 * gives each subscriber with something to write a turn of non-blocking writes
 * ({@link Subscriber#writeSome}), and waits in one {@code poll(2)} for room on the sockets that
 * were full and for new work ({@link #schedule}, signalled through a pipe). A subscriber that
 * stopped reading just stays among the sockets waited on: nobody else waits for it.
 */
final class PushWriter {
    private static final Logger log = LoggerFactory.getLogger(PushWriter.class);
    private static final byte[] WAKE = {1};

    private final Queue<Subscriber> ready = new ConcurrentLinkedQueue<>();
    /** True while a wake-up byte is in the pipe and not read yet: one byte at most, the pipe never fills. */
    private final AtomicBoolean wakePending = new AtomicBoolean();

    private final Pipe wake = Fds.pipe();
    /** Subscribers whose socket was full, waiting for room; the writer thread's alone. */
    private final Set<Subscriber> waiting = new LinkedHashSet<>();

    PushWriter() {
        NamedThreads.start("app-push-writer", this::run);
    }

    /** Gives {@code subscriber} a turn soon; from any thread. */
    void schedule(Subscriber subscriber) {
        ready.add(subscriber);
        if (wakePending.compareAndSet(false, true)) {
            Fds.write(wake.writeEnd().get(), WAKE, 0, 1);
        }
    }

    private void run() {
        try {
            while (true) {
                for (Subscriber next = ready.poll(); next != null; next = ready.poll()) {
                    turn(next);
                }
                awaitWork();
            }
        } catch (RuntimeException e) {
            // Nothing is written from here on: subscribers fall behind and are dropped with SLOW_CONSUMER.
            log.error("the app push writer stopped", e);
        }
    }

    private void turn(Subscriber subscriber) {
        waiting.remove(subscriber); // scheduled again while waiting: closed, or given more
        switch (subscriber.writeSome()) {
            case BLOCKED -> waiting.add(subscriber);
            case MORE -> ready.add(subscriber); // behind the others: one fast app does not starve them
            case IDLE, GONE -> {}
        }
    }

    /** Waits until the pipe says there is new work or a full socket has room again. */
    private void awaitWork() {
        List<Subscriber> polled = new ArrayList<>(waiting);
        int count = polled.size() + 1;
        int[] fds = new int[count];
        int[] events = new int[count];
        int[] revents = new int[count];
        fds[0] = wake.readEnd().get();
        events[0] = Fds.POLLIN;
        for (int i = 1; i < count; i++) {
            fds[i] = polled.get(i - 1).socket();
            events[i] = Fds.POLLOUT;
        }
        if (Fds.poll(fds, events, revents, count) == 0) {
            return; // a signal: look again
        }
        if (revents[0] != 0) {
            Fds.read(fds[0], new byte[16], 0, 16);
            // After the read: a schedule() from now on writes a new byte, so it is never missed.
            wakePending.set(false);
        }
        for (int i = 1; i < count; i++) {
            if (revents[i] != 0) { // room, or an error or hang-up the next write reports
                Subscriber subscriber = polled.get(i - 1);
                waiting.remove(subscriber);
                ready.add(subscriber);
            }
        }
    }
}
