package dev.tunnelhelper.shim;

import java.time.Duration;
import java.util.Optional;

/**
 * A spawned child that this object reaps exactly once. {@link #waitFor} waits in short native
 * slices so that {@link #terminate} from another thread is never stuck behind a long wait;
 * {@link #awaitExit} waits without holding anything.
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

    /**
     * Waits up to {@code timeout} for the child to exit, without reaping it and without holding
     * this object, so {@link #terminate} from another thread is never kept waiting by it: for a
     * thread that watches the child for as long as it lives. The wait is on the kernel's exit
     * notification (a pidfd on Linux, a kqueue on macOS), so a long wait costs no wakeups; it
     * then takes {@link #waitFor} with a zero timeout to collect the status. True once the child
     * has exited or has been reaped by {@link #terminate}.
     */
    public boolean awaitExit(Duration timeout) {
        synchronized (this) {
            if (status != null) {
                return true;
            }
        }
        // Without the lock, terminate() may reap the child meanwhile; the shim reports a child it
        // can no longer find as exited, and the status is then terminate()'s. Should its pid be
        // reused in that instant, this waits on the newcomer, for at most the timeout: callers
        // loop on their own record of the exit (TunnelProcess's reaper on its exit future).
        ErrorBuffer err = new ErrorBuffer();
        return err.check(library.th_await_exit(pid, Math.max(0, timeout.toMillis()), err.bytes, err.size())) == 1;
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
