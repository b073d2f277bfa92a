package dev.tunnelhelper.protocol;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** Waiting for a reply future the way a speaker's blocking calls report failures: as IOExceptions. */
final class Replies {
    private Replies() {}

    /** The reply, or the {@link IOException} that failed it; {@code peer} names the speaker in messages. */
    static <R> R await(CompletableFuture<R> reply, String peer) throws IOException {
        try {
            return reply.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for a reply from " + peer);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException("request to " + peer + " failed: " + cause, cause);
        } catch (CancellationException e) {
            throw new IOException("request to " + peer + " was cancelled", e);
        }
    }
}
