package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.Error;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app connection that subscribed. Pushes go through a bounded queue drained by this
 * subscriber's own thread, so a slow app blocks only itself; when its queue overflows it is
 * disconnected with a reason instead of ever slowing the relay or other subscribers.
 */
public final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    private static final HelperAppMessage STOP = HelperAppMessage.getDefaultInstance();

    private final Speaker<HelperAppMessage, AppMessage> speaker;
    private final String who;
    private final BlockingQueue<HelperAppMessage> queue;
    private final int depth;
    private volatile boolean closed;

    public Subscriber(Speaker<HelperAppMessage, AppMessage> speaker, String who, int depth) {
        this.speaker = speaker;
        this.who = who;
        this.depth = depth;
        this.queue = new ArrayBlockingQueue<>(depth + 1); // +1: room for the stop marker
    }

    /** Queues a push; false when the subscriber is too far behind (and is now being disconnected). */
    boolean offer(HelperAppMessage message) {
        if (closed) {
            return false;
        }
        if (queue.size() >= depth || !queue.offer(message)) {
            disconnect("SLOW_CONSUMER", "subscriber fell more than " + depth + " messages behind and was disconnected");
            return false;
        }
        return true;
    }

    /** Starts delivering; called after the Subscribe reply went out, so pushes never overtake it. */
    void start() {
        Thread writer = new Thread(this::drain, "subscriber-" + who);
        writer.setDaemon(true);
        writer.start();
    }

    boolean isClosed() {
        return closed;
    }

    void disconnect(String code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        log.atWarn().setMessage("disconnecting app subscriber").addKeyValue("peer", who).addKeyValue("code", code)
                .addKeyValue("reason", reason).log();
        Thread t = new Thread(() -> {
            try {
                speaker.send(HelperAppMessage.newBuilder().setError(Error.newBuilder().setCode(code).setMessage(reason)).build());
            } catch (IOException e) {
                log.debug("could not tell {} why it is disconnected: {}", who, e.toString());
            } finally {
                speaker.close();
            }
        }, "subscriber-disconnect-" + who);
        t.setDaemon(true);
        t.start();
        queue.clear();
        queue.offer(STOP);
    }

    void close() {
        closed = true;
        queue.clear();
        queue.offer(STOP);
    }

    private void drain() {
        try {
            while (true) {
                HelperAppMessage next = queue.take();
                if (next == STOP || closed) {
                    return;
                }
                speaker.send(next);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.debug("subscriber {} gone: {}", who, e.toString());
            closed = true;
        } catch (RuntimeException e) {
            log.error("subscriber {} writer failed", who, e);
            closed = true;
        }
    }
}
