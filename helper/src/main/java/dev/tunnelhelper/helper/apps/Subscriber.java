package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app connection that subscribed. Pushes go through a queue drained by this subscriber's own
 * writer thread, so a slow app blocks only itself. The queue is bounded in messages and in bytes
 * (every push not yet written to the app, the one being written included): when a push would
 * overflow either bound the app is told why ({@code SLOW_CONSUMER}) and disconnected instead of
 * ever slowing the session or other subscribers. Pushes are frames encoded once and shared by
 * every subscriber ({@link EncodedFrame}), so a queued push costs the heap its bytes once, however
 * many queues hold it, and each writer writes those same bytes.
 */
public final class Subscriber {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    /** Wakes the writer to end: after the farewell, if there is one. */
    private static final EncodedFrame<HelperAppMessage> END = endMarker();

    private final Speaker<HelperAppMessage, AppMessage> speaker;
    private final String who;
    private final FanoutLimits limits;
    private final SessionEventListener drops;
    private final BlockingQueue<EncodedFrame<HelperAppMessage>> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicReference<HelperAppMessage> farewell = new AtomicReference<>();
    /** Bytes of the pushes queued and not yet written: added by {@link #offer}, taken off by the writer once written. */
    private final AtomicLong unwritten = new AtomicLong();

    Subscriber(
            Speaker<HelperAppMessage, AppMessage> speaker,
            String who,
            FanoutLimits limits,
            SessionEventListener drops) {
        this.speaker = speaker;
        this.who = who;
        this.limits = limits;
        this.drops = drops;
        this.queue = new ArrayBlockingQueue<>(limits.messages() + 1); // +1: room for the end marker
    }

    /**
     * Queues a push; false when this subscriber is closed or just fell too far behind (and is being
     * disconnected). Called from one thread at a time (the fan-out's monitor).
     */
    boolean offer(EncodedFrame<HelperAppMessage> push) {
        if (closed.get()) {
            return false;
        }
        long size = push.size();
        String overflow = limits.overflow(queue.size(), unwritten.get(), size);
        if (overflow != null) {
            String reason = "subscriber fell more than " + overflow + " behind and was disconnected";
            disconnect(ErrorCode.SLOW_CONSUMER, reason);
            drops.subscriberDropped(who, reason);
            return false;
        }
        unwritten.addAndGet(size);
        return queue.offer(push);
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
            for (EncodedFrame<HelperAppMessage> next = queue.take(); !isEnd(next); next = queue.take()) {
                speaker.sendEncoded(next);
                unwritten.addAndGet(-next.size());
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
    private static boolean isEnd(EncodedFrame<HelperAppMessage> push) {
        return push == END;
    }

    private static EncodedFrame<HelperAppMessage> endMarker() {
        try {
            return EncodedFrame.of(HelperAppMessage.getDefaultInstance(), new FrameCodec());
        } catch (ProtocolException e) {
            throw new IllegalStateException("an empty message is within every frame limit", e);
        }
    }
}
