package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link Speaker}'s requests waiting for their replies, by message id. Each one ends exactly
 * once: answered by its reply, failed by its timeout, or failed when the speaker closes; whichever
 * takes it out of the map first decides, so a late reply after a timeout finds nothing.
 *
 * <p>Deadlines are watched by at most one timer task per speaker, armed for the earliest pending
 * deadline; when it fires it fails what is overdue and re-arms for the next one, if any. A stream
 * of calls with the same timeout therefore schedules nothing new (each deadline is later than the
 * armed one), and an answered call leaves nothing behind. One task per call, cancelled on the
 * reply, had stayed in the scheduler's queue until its deadline: at thousands of calls a second
 * and a 5 or 10 s timeout, tens of thousands of dead tasks, promoted by every young collection
 * and reclaimed only by full ones.
 */
final class PendingCalls<R> {
    private static final ScheduledExecutorService TIMEOUTS =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("speaker-rpc-timeouts"));

    /** A timeout so long it never fires in practice, kept clear of {@code nanoTime} overflow. */
    private static final long NEVER = Long.MAX_VALUE / 4;

    /**
     * One request: its future, what to run on the reply before completing it, whether it was made
     * on the speaker's dispatcher thread (from inside a handler), and its deadline once sent.
     */
    static final class Call<R> {
        private final CompletableFuture<R> reply;
        private final Consumer<? super R> onReply;
        private final boolean fromDispatcher;
        private volatile long deadline;
        /** Set after {@link #deadline}, once the request is sent: null while it is not watched yet. */
        private volatile Duration timeout;

        Call(CompletableFuture<R> reply, Consumer<? super R> onReply, boolean fromDispatcher) {
            this.reply = reply;
            this.onReply = onReply;
            this.fromDispatcher = fromDispatcher;
        }

        CompletableFuture<R> reply() {
            return reply;
        }

        boolean fromDispatcher() {
            return fromDispatcher;
        }

        void answer(R message) {
            try {
                onReply.accept(message);
            } catch (RuntimeException | Error e) {
                reply.completeExceptionally(e);
                return;
            }
            reply.complete(message);
        }
    }

    private final String name;
    private final Map<Long, Call<R>> calls = new ConcurrentHashMap<>();
    private final Object timerLock = new Object();
    /** The armed timer task and the deadline it was armed for; null when none is. Guarded by timerLock. */
    private ScheduledFuture<?> timer;

    private long timerDeadline;

    /** How many timer tasks this speaker has scheduled, for tests of the arming rule. */
    private final AtomicLong timersScheduled = new AtomicLong();

    PendingCalls(String name) {
        this.name = name;
    }

    /** Registers a request before it is sent: the reply may arrive before the send returns. */
    Call<R> register(long id, Consumer<? super R> onReply, boolean fromDispatcher) {
        Call<R> call = new Call<>(new CompletableFuture<>(), onReply, fromDispatcher);
        calls.put(id, call);
        return call;
    }

    /** Fails the request with {@link RpcTimeoutException} if it is still pending after {@code timeout}. */
    void expireAfter(long id, Call<R> call, Duration timeout) {
        long nanos = timeout.compareTo(Duration.ofNanos(NEVER)) >= 0 ? NEVER : Math.max(0, timeout.toNanos());
        call.deadline = System.nanoTime() + nanos;
        call.timeout = timeout;
        if (calls.get(id) == call) { // not answered yet: watch it
            arm(call.deadline);
        }
    }

    /** Makes sure a timer fires no later than {@code deadline}. */
    private void arm(long deadline) {
        synchronized (timerLock) {
            if (timer != null && timerDeadline - deadline <= 0) {
                return; // the armed timer comes first and will re-arm for this one
            }
            if (timer != null) {
                timer.cancel(false);
            }
            timerDeadline = deadline;
            timersScheduled.incrementAndGet();
            timer = TIMEOUTS.schedule(this::expireOverdue, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }
    }

    /** The timer: fails every overdue request, then re-arms for the earliest deadline still pending. */
    private void expireOverdue() {
        synchronized (timerLock) {
            timer = null; // a call sent while this runs arms its own, or the re-arm below covers it
        }
        long now = System.nanoTime();
        boolean more = false;
        long next = 0;
        for (Map.Entry<Long, Call<R>> entry : calls.entrySet()) {
            Call<R> call = entry.getValue();
            if (call.timeout == null) {
                continue; // still being sent; expireAfter arms for it
            }
            if (call.deadline - now <= 0) {
                fail(
                        entry.getKey(),
                        call,
                        new RpcTimeoutException("no reply from " + name + " to request " + entry.getKey() + " within "
                                + call.timeout.toMillis() + " ms"));
            } else if (!more || call.deadline - next < 0) {
                more = true;
                next = call.deadline;
            }
        }
        if (more) {
            arm(next);
        }
    }

    /** Takes the request a reply is for, or null when none is pending (never made, timed out, answered). */
    Call<R> take(long id) {
        return calls.remove(id);
    }

    /** Fails the request unless something else ended it first. */
    void fail(long id, Call<R> call, Throwable why) {
        if (calls.remove(id, call)) {
            call.reply().completeExceptionally(why);
        }
    }

    /** Fails every pending request {@code which} selects. */
    void failAll(Predicate<Call<R>> which, Supplier<? extends Throwable> why) {
        calls.forEach((id, call) -> {
            if (which.test(call)) {
                fail(id, call, why.get());
            }
        });
    }

    long timersScheduled() {
        return timersScheduled.get();
    }

    int size() {
        return calls.size();
    }
}
