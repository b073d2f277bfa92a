package dev.tunnelhelper.helper.binary;

import java.util.concurrent.CompletableFuture;

/**
 * Gets a verified tunnel binary onto disk ({@link BinaryAcquirer} is the real one). The session
 * runs it on a worker thread and interrupts that thread to abandon a start; an interrupted
 * acquisition fails promptly where it waits on the network and leaves the installed binary alone.
 */
@FunctionalInterface
public interface Acquirer {
    AcquiredBinary acquire(AcquisitionRequest request) throws AcquisitionException;

    /**
     * A start may come soon (the network extension connected): builds ahead, in the background,
     * what the first acquisition would otherwise build on the start's path. Never blocks and never
     * fails; whatever goes wrong, the acquisition reports as before. The future completes once it
     * is done (at once when there is nothing to build); every call returns the same one.
     */
    default CompletableFuture<Void> prepare() {
        return CompletableFuture.completedFuture(null);
    }
}
