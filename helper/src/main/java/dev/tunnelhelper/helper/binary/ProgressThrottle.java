package dev.tunnelhelper.helper.binary;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards at most one progress report per interval, plus the final one (once, even when the
 * last regular report already carried it): a fast loopback download would otherwise flood every
 * app subscriber with thousands of updates.
 */
final class ProgressThrottle {

    private static final Logger log = LoggerFactory.getLogger(ProgressThrottle.class);
    static final long INTERVAL_NANOS = 10_000_000L;

    private final AcquisitionListener listener;
    private final long totalBytes;
    private final LongSupplier nanoClock;
    private long lastReportNanos;
    private boolean reportedOnce;
    private long lastReportedBytes = -1;

    ProgressThrottle(AcquisitionListener listener, long totalBytes, LongSupplier nanoClock) {
        this.listener = listener;
        this.totalBytes = totalBytes;
        this.nanoClock = nanoClock;
    }

    void update(long bytesWritten) {
        long now = nanoClock.getAsLong();
        if (!reportedOnce || now - lastReportNanos >= INTERVAL_NANOS) {
            reportedOnce = true;
            lastReportNanos = now;
            deliver(bytesWritten);
        }
    }

    void finish(long bytesWritten) {
        if (bytesWritten != lastReportedBytes) {
            deliver(bytesWritten);
        }
    }

    private void deliver(long bytesWritten) {
        lastReportedBytes = bytesWritten;
        try {
            listener.downloaded(bytesWritten, totalBytes);
        } catch (RuntimeException e) {
            // A misbehaving subscriber must not abort the download of the binary.
            log.atDebug().setMessage("progress listener failed").setCause(e).log();
        }
    }
}
