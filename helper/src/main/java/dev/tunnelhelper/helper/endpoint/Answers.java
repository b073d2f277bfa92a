package dev.tunnelhelper.helper.endpoint;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waiting for the session's answers on a connection's dispatcher thread (the session never blocks, so they come). */
final class Answers {
    private Answers() {}

    /** The value, or the exception of type {@code E} the future failed with; any other failure is a bug and propagates. */
    static <T, E extends Exception> T await(CompletableFuture<T> future, Class<E> expected) throws E {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (expected.isInstance(e.getCause())) {
                throw expected.cast(e.getCause());
            }
            throw e;
        }
    }
}
