package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.Pipe;
import java.util.concurrent.CompletableFuture;

/**
 * A process the tunnel started, holding the tunnel's ends of its two pipes as it inherited them
 * (a real tunnel's helpers do): the pipes outlive the tunnel, so they end only when the helper
 * closes its own ends, and this says when it has. It never reads or writes the pipes, so the
 * tunnel's conversation is untouched: poll(2) with no events reports only a hang-up on its read
 * end (no writer left) and an error on its write end (no reader left), never data.
 */
public final class PipeHeir implements AutoCloseable {
    /** The helper's write end (its messages to the tunnel) is closed. */
    public final CompletableFuture<Void> helperWriteEndClosed = new CompletableFuture<>();
    /** The helper's read end (the tunnel's messages to it) is closed. */
    public final CompletableFuture<Void> helperReadEndClosed = new CompletableFuture<>();

    private final OwnedFd readEnd;
    private final OwnedFd writeEnd;
    /** Closing its write end ends the watch, also when the helper never closes its ends. */
    private final Pipe leave = Fds.pipe();

    /** Inherits copies of the tunnel's read end (of the helper's requests) and write end (to the helper). */
    PipeHeir(int tunnelReadEnd, int tunnelWriteEnd) {
        readEnd = Fds.dup(tunnelReadEnd);
        writeEnd = Fds.dup(tunnelWriteEnd);
        NamedThreads.start("pipe-heir-" + readEnd.get(), this::watch);
    }

    /** The heir exits: its copies close, whether the helper closed its ends or not. */
    @Override
    public void close() {
        leave.writeEnd().close();
    }

    private void watch() {
        int[] fds = {readEnd.get(), writeEnd.get(), leave.readEnd().get()};
        int[] noEvents = {0, 0, 0};
        int[] revents = new int[fds.length];
        try {
            while (!(helperWriteEndClosed.isDone() && helperReadEndClosed.isDone())) {
                Fds.poll(fds, noEvents, revents, fds.length);
                if (revents[0] != 0) {
                    helperWriteEndClosed.complete(null);
                    fds[0] = -1; // a hang-up stays: poll(2) skips a negative descriptor
                }
                if (revents[1] != 0) {
                    helperReadEndClosed.complete(null);
                    fds[1] = -1;
                }
                if (revents[2] != 0) {
                    return;
                }
            }
        } finally {
            readEnd.close();
            writeEnd.close();
            leave.close();
        }
    }
}
