package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app connection that subscribed. Pushes go through a bounded queue drained by this
 * subscriber's own writer thread, so a slow app blocks only itself; when its queue overflows it
 * is told why ({@code SLOW_CONSUMER}) and disconnected instead of ever slowing the session or
 * other subscribers.
 */
public final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    /** Wakes the writer to end: after the farewell, if there is one. */
    private static final HelperAppMessage END = HelperAppMessage.getDefaultInstance();

    private final Speaker<HelperAppMessage, AppMessage> speaker;
    private final String who;
    private final int depth;
    private final SessionEventListener drops;
    private final BlockingQueue<HelperAppMessage> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<HelperAppMessage> farewell = new AtomicReference<>();

    Subscriber(Speaker<HelperAppMessage, AppMessage> speaker, String who, int depth, SessionEventListener drops) {
        this.speaker = speaker;
        this.who = who;
        this.depth = depth;
        this.drops = drops;
        this.queue = new ArrayBlockingQueue<>(depth + 1); // +1: room for the end marker
    }

    /** Queues a push; false when this subscriber is closed or just fell too far behind (and is being disconnected). */
    boolean offer(HelperAppMessage message) {
        if (closed.get()) {
            return false;
        }
        if (queue.size() >= depth) {
            String reason = "subscriber fell more than " + depth + " messages behind and was disconnected";
            disconnect(ErrorCode.SLOW_CONSUMER, reason);
            drops.subscriberDropped(who, reason);
            return false;
        }
        return queue.offer(message);
    }

    /** Starts delivering; called after the Subscribe reply went out, so pushes never overtake it. */
    void start() {
        NamedThreads.start("subscriber-" + who, this::drain);
    }

    /** Drops the backlog, sends {@code code} with {@code reason} once the write under way (if any) is done, then closes the connection. */
    void disconnect(ErrorCode code, String reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        log.atWarn()
                .setMessage("disconnecting app subscriber")
                .addKeyValue("peer", who)
                .addKeyValue("code", code)
                .addKeyValue("reason", reason)
                .log();
        farewell.set(HelperAppMessage.newBuilder().setError(code.error(reason)).build());
        end();
    }

    /** The connection went away: stop writing. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            end();
        }
    }

    private void end() {
        queue.clear();
        queue.offer(END);
    }

    private void drain() {
        try {
            // END is a sentinel instance: identity, not equality, is the point.
            for (HelperAppMessage next = queue.take(); !isEnd(next); next = queue.take()) {
                speaker.send(next);
            }
            HelperAppMessage last = farewell.get();
            if (last != null) {
                speaker.send(last);
                speaker.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("subscriber {} gone: {}", who, e.toString());
            closed.set(true);
        }
    }

    @SuppressWarnings("ReferenceEquality") // the sentinel is compared by identity on purpose
    private static boolean isEnd(HelperAppMessage m) {
        return m == END;
    }
}
