package dev.tunnelhelper.shim;

import java.time.Duration;
import java.util.Optional;

/**
 * A spawned child that this object reaps exactly once. Waiting happens in short native slices
 * so that {@link #terminate} from another thread is never stuck behind a long wait.
 */
public final class ChildProcess {
    private static final long SLICE_MS = 50;

    private final ShimLibrary library;
    private final int pid;
    private ExitStatus status;

    ChildProcess(ShimLibrary library, int pid) {
        this.library = library;
        this.pid = pid;
    }

    public int pid() {
        return pid;
    }

    /** Waits up to {@code timeout}; empty if the child is still running. */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long leftMs = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            Optional<ExitStatus> done = poll(Math.min(leftMs, SLICE_MS));
            if (done.isPresent() || leftMs == 0) {
                return done;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("waiting for pid " + pid);
            }
        }
    }

    private synchronized Optional<ExitStatus> poll(long timeoutMs) {
        if (status != null) {
            return Optional.of(status);
        }
        int[] kind = new int[1];
        int[] value = new int[1];
        ErrorBuffer err = new ErrorBuffer();
        if (err.check(library.th_wait(pid, timeoutMs, kind, value, err.bytes, err.size())) == 1) {
            status = ExitStatus.decode(kind[0], value[0]);
        }
        return Optional.ofNullable(status);
    }

    /**
     * SIGTERM to the child's process group, SIGKILL after {@code grace}, then reap. A child that
     * is already dead just has its status returned.
     */
    public synchronized ExitStatus terminate(Duration grace) {
        if (status != null) {
            return status;
        }
        int[] kind = new int[1];
        int[] value = new int[1];
        ErrorBuffer err = new ErrorBuffer();
        err.check(library.th_terminate(pid, grace.toMillis(), kind, value, err.bytes, err.size()));
        status = ExitStatus.decode(kind[0], value[0]);
        return status;
    }

    @Override
    public String toString() {
        ExitStatus s;
        synchronized (this) {
            s = status;
        }
        return "ChildProcess[pid=" + pid + (s == null ? ", running" : ", " + s) + "]";
    }
}
