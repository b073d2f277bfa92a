package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.shim.ProcessStart;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start, ends a tunnel a previous helper left running: one killed on macOS, which has no
 * parent-death signal, or on Linux a tunnel that outlived a crash for any other reason. The
 * {@link TunnelRecord} names a pid and when that process started; only a live process with
 * exactly that pid and start is ours, and gets SIGTERM, then SIGKILL after the grace, and is
 * waited for until gone. Everything else is left alone: a record that is refused (a link, not
 * the helper's, malformed) is logged and kept for the operator; a record whose process is gone
 * or whose pid now belongs to another process is logged and removed.
 */
public final class OrphanSweep {
    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    private final TunnelRecord record;
    private final PathTrust trust;
    private final Duration grace;

    public OrphanSweep(TunnelRecord record, PathTrust trust, Duration grace) {
        this.record = record;
        this.trust = trust;
        this.grace = grace;
    }

    /**
     * Reads the record and acts on it as the class comment says; every outcome is logged. A record
     * that cannot be read or removed is logged too, and the helper starts anyway: the sweep must
     * not keep the helper from serving.
     */
    public void run() {
        try {
            sweep();
        } catch (IOException e) {
            log.atError()
                    .setMessage("orphan sweep failed; no process is terminated")
                    .addKeyValue("record", record.file())
                    .addKeyValue("error", e.toString())
                    .log();
        }
    }

    private void sweep() throws IOException {
        if (!record.exists()) {
            return;
        }
        TunnelRecord.Entry entry;
        try {
            entry = record.read(trust);
        } catch (TunnelRecord.RefusedException e) {
            log.atWarn()
                    .setMessage("tunnel record refused; no process is terminated")
                    .addKeyValue("record", record.file())
                    .addKeyValue("reason", e.getMessage())
                    .log();
            return;
        }
        // The handle first: the JDK signals a handle's process only while its start time is the one
        // seen here, so a pid reused after the check below is never signalled.
        Optional<ProcessHandle> handle = ProcessHandle.of(entry.pid());
        Optional<ProcessStart> now = ProcessStart.of(entry.pid());
        if (handle.isEmpty() || now.isEmpty()) {
            log.atInfo()
                    .setMessage("the tunnel a previous helper recorded is gone")
                    .addKeyValue("pid", entry.pid())
                    .log();
            record.remove();
            return;
        }
        if (!now.get().equals(entry.start())) {
            log.atInfo()
                    .setMessage("the recorded tunnel's pid belongs to another process now; left alone")
                    .addKeyValue("pid", entry.pid())
                    .log();
            record.remove();
            return;
        }
        log.atWarn()
                .setMessage("terminating the tunnel a previous helper left running")
                .addKeyValue("pid", entry.pid())
                .addKeyValue("binary", entry.binary())
                .log();
        if (end(handle.get())) {
            record.remove();
            log.atInfo()
                    .setMessage("the orphaned tunnel is gone")
                    .addKeyValue("pid", entry.pid())
                    .log();
        } else {
            log.atError()
                    .setMessage("the orphaned tunnel survived SIGKILL; its record is kept")
                    .addKeyValue("pid", entry.pid())
                    .log();
        }
    }

    /** SIGTERM, SIGKILL after the grace; true once it is gone (exited and reaped by whoever its parent is now). */
    private boolean end(ProcessHandle orphan) {
        orphan.destroy();
        if (awaitExit(orphan)) {
            return true;
        }
        orphan.destroyForcibly();
        return awaitExit(orphan);
    }

    private boolean awaitExit(ProcessHandle orphan) {
        try {
            orphan.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for pid " + orphan.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
