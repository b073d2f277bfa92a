package dev.tunnelhelper.testbed.deployment;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Caps the average rate of the bytes written through it. Writes go out in small slices, each
 * sent only once the time it "costs" at the cap has passed, so clients see a steady trickle
 * (and progress reporting gets exercised) rather than bursts.
 */
public final class ThrottledOutputStream extends FilterOutputStream {

    private final long bytesPerSecond;
    private final int sliceSize;
    private final long startNanos = System.nanoTime();
    private long written;

    public ThrottledOutputStream(OutputStream out, long bytesPerSecond) {
        super(out);
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        // About twenty slices a second, so the pacing is smooth but the syscall count stays small.
        this.sliceSize = (int) Math.max(1, Math.min(64 * 1024, bytesPerSecond / 20));
    }

    @Override
    public void write(int b) throws IOException {
        pace(1);
        out.write(b);
        written++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int pos = off;
        int end = off + len;
        while (pos < end) {
            int n = Math.min(sliceSize, end - pos);
            pace(n);
            out.write(b, pos, n);
            // Flushing each slice makes the pacing visible on the wire instead of in a buffer.
            out.flush();
            written += n;
            pos += n;
        }
    }

    /** Sleeps until sending {@code next} more bytes keeps the average at or below the cap. */
    private void pace(int next) throws IOException {
        long dueNanos = (written + next) * 1_000_000_000L / bytesPerSecond;
        long waitNanos = dueNanos - (System.nanoTime() - startNanos);
        if (waitNanos > 0) {
            try {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("throttled write interrupted");
            }
        }
    }
}
