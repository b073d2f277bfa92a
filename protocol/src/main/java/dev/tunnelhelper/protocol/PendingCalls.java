package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link Speaker}'s requests waiting for their replies, by message id. Each one ends exactly
 * once: answered by its reply, failed by its timeout, or failed when the speaker closes; whichever
 * takes it out of the map first decides, so a late reply after a timeout finds nothing.
 */
final class PendingCalls<R> {
    private static final ScheduledExecutorService TIMEOUTS =
            Executors.newSingleThreadScheduledExecutor(NamedThreads.factory("speaker-rpc-timeouts"));

    /**
     * One request: its future, what to run on the reply before completing it, and whether it was
     * made on the speaker's dispatcher thread (from inside a handler).
     */
    record Call<R>(CompletableFuture<R> reply, Consumer<? super R> onReply, boolean fromDispatcher) {
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
        var timer = TIMEOUTS.schedule(
                () -> fail(
                        id,
                        call,
                        new RpcTimeoutException("no reply from " + name + " to request " + id + " within "
                                + timeout.toMillis() + " ms")),
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
        call.reply().whenComplete((r, e) -> timer.cancel(false));
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

    int size() {
        return calls.size();
    }
}
