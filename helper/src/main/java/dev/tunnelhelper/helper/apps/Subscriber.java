package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.FrameOutbox;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.ErrorCode;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.shim.Fds;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app connection that subscribed, and the owner of everything the helper still has to write
 * to it: once delivery starts, the connection hands all its outgoing frames here
 * ({@link Speaker#handOverWrites}), pushes and replies alike, so they go out whole and in the
 * order they were sent. The {@link PushWriter}'s thread writes them without blocking, resuming a
 * frame where the socket stopped taking it, so a slow app holds up only itself. The frames not yet
 * written are bounded in messages and in bytes (the one being written included): a frame that
 * would overflow either bound gets the app told why ({@code SLOW_CONSUMER}) once the frame under
 * way is complete, then disconnected, instead of ever slowing the session or other subscribers.
 * Pushes are frames encoded once and shared by every subscriber ({@link EncodedFrame}), so a
 * queued push costs its bytes once, however many subscribers hold it.
 */
public final class Subscriber implements FrameOutbox<HelperAppMessage> {
    private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
    private static final FrameCodec CODEC = new FrameCodec();
    /** Bytes one turn of the writer may write to one subscriber before the others get theirs. */
    private static final int TURN_BYTES = 1 << 20;

    /** What one turn of writing left: see {@link PushWriter}. */
    enum Turn {
        /** Nothing left to write. */
        IDLE,
        /** The socket is full: wait for room. */
        BLOCKED,
        /** More to write after the others' turns. */
        MORE,
        /** Nothing will be written to this connection again. */
        GONE
    }

    private final Speaker<HelperAppMessage, AppMessage> speaker;
    private final String who;
    private final FanoutLimits limits;
    private final SessionEventListener drops;
    private final PushWriter writer;

    // Guarded by this.
    private final Deque<EncodedFrame<HelperAppMessage>> queue = new ArrayDeque<>();
    /** Bytes of the queued frames not yet written. */
    private long unwritten;
    /** Bytes of the first queued frame already written. */
    private int headOffset;
    /** The writer is writing the first queued frame outside the lock. */
    private boolean writing;
    /** Takes no more frames (disconnected or gone). */
    private boolean closed;
    /** Close the connection once the queue (ending with the farewell) is written. */
    private boolean ending;
    /** The connection went away: write nothing more. */
    private boolean gone;

    private boolean started;
    private boolean scheduled;
    /** The writer let go of the connection: no more turns. */
    private boolean released;

    /** The writer thread's alone, once {@link #start} set it. */
    private SubscriberOutput output;

    Subscriber(
            Speaker<HelperAppMessage, AppMessage> speaker,
            String who,
            FanoutLimits limits,
            SessionEventListener drops,
            PushWriter writer) {
        this.speaker = speaker;
        this.who = who;
        this.limits = limits;
        this.drops = drops;
        this.writer = writer;
    }

    /**
     * Queues a push; false when this subscriber is closed or just fell too far behind (and is being
     * disconnected).
     */
    boolean offer(EncodedFrame<HelperAppMessage> push) {
        String overflow;
        synchronized (this) {
            if (closed) {
                return false;
            }
            overflow = limits.overflow(queue.size(), unwritten, push.size());
            if (overflow == null) {
                queue.add(push);
                unwritten += push.size();
                schedule(false);
                return true;
            }
        }
        String reason = "subscriber fell more than " + overflow + " behind and was disconnected";
        disconnect(ErrorCode.SLOW_CONSUMER, reason);
        drops.subscriberDropped(who, reason);
        return false;
    }

    /** The connection's own frames (replies) after delivery started: behind every push queued before them. */
    @Override
    public void add(EncodedFrame<HelperAppMessage> frame) throws IOException {
        if (!offer(frame)) {
            throw new IOException("subscriber " + who + " is disconnected");
        }
    }

    /**
     * Starts delivering; called after the Subscribe reply went out, so pushes never overtake it.
     * From here on the connection's writes are this subscriber's.
     */
    void start() {
        SubscriberOutput out;
        try {
            Optional<SubscriberOutput> socket =
                    speaker.handOverWrites(this, fd -> new SubscriberOutput.UnixSocket(Fds.dup(fd)));
            out = socket.orElseGet(() -> new SubscriberOutput.Messages(speaker));
        } catch (IOException e) {
            log.debug("subscriber {} gone before delivery: {}", who, e.toString());
            close();
            return;
        }
        synchronized (this) {
            output = out;
            started = true;
            schedule(true);
        }
    }

    /** Drops the backlog, sends {@code code} with {@code reason} once the frame under way (if any) is complete, then closes the connection. */
    void disconnect(ErrorCode code, String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            EncodedFrame<HelperAppMessage> underWay = headOffset > 0 || writing ? queue.peekFirst() : null;
            queue.clear();
            unwritten = 0;
            if (underWay != null) {
                queue.add(underWay);
                unwritten = underWay.size() - (long) headOffset;
            }
            queue.add(farewell(code, reason));
            ending = true;
            schedule(true);
        }
        log.atWarn()
                .setMessage("disconnecting app subscriber")
                .addKeyValue("peer", who)
                .addKeyValue("code", code)
                .addKeyValue("reason", reason)
                .log();
    }

    /** The connection went away: stop writing. */
    synchronized void close() {
        closed = true;
        gone = true;
        queue.clear();
        unwritten = 0;
        schedule(true);
    }

    /** The socket the writer waits on for room; the writer thread's. */
    int socket() {
        return output.socket();
    }

    /** One turn of the writer thread: writes the queued frames in order until done, full, or the turn is used up. */
    Turn writeSome() {
        long turnLeft = TURN_BYTES;
        while (true) {
            EncodedFrame<HelperAppMessage> head;
            int offset;
            synchronized (this) {
                if (gone || (queue.isEmpty() && ending)) {
                    gone = true;
                    scheduled = false;
                    break;
                }
                head = queue.peekFirst();
                if (head == null) {
                    scheduled = false;
                    return Turn.IDLE;
                }
                offset = headOffset;
                writing = true;
            }
            int written;
            try {
                written = output.write(head, offset);
            } catch (IOException e) {
                log.debug("subscriber {} gone: {}", who, e.toString());
                synchronized (this) {
                    writing = false;
                    closed = true;
                    gone = true;
                    queue.clear();
                    unwritten = 0;
                }
                continue;
            }
            synchronized (this) {
                writing = false;
                if (!gone) {
                    headOffset += written;
                    unwritten -= written;
                    if (headOffset == head.size()) {
                        queue.removeFirst();
                        headOffset = 0;
                    }
                }
            }
            if (offset + written < head.size()) {
                return Turn.BLOCKED;
            }
            turnLeft -= written;
            if (turnLeft <= 0) {
                return Turn.MORE;
            }
        }
        end();
        return Turn.GONE;
    }

    /** After the last byte (or the connection's end): a farewell closes the connection; the writer's handle is let go. */
    private void end() {
        boolean farewellWritten;
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            farewellWritten = ending && queue.isEmpty();
        }
        if (farewellWritten) {
            speaker.close();
        }
        output.close();
    }

    /** Called with the lock held. */
    private void schedule(boolean always) {
        if (started && !released && (always || !scheduled)) {
            scheduled = true;
            writer.schedule(this);
        }
    }

    private static EncodedFrame<HelperAppMessage> farewell(ErrorCode code, String reason) {
        try {
            return EncodedFrame.of(
                    HelperAppMessage.newBuilder().setError(code.error(reason)).build(), CODEC);
        } catch (ProtocolException e) {
            throw new IllegalStateException("an error message is within every frame limit", e);
        }
    }
}
