package dev.tunnelhelper.helper.tunnel;

import dev.tunnelhelper.shim.ProcessStart;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns with another launcher and keeps the {@link TunnelRecord} of the child it spawned, from
 * right after the spawn until the child is reaped, so a helper started after this one was killed
 * can find a tunnel that outlived it ({@link OrphanSweep}). A record that cannot be written costs
 * only that protection: it is logged, and the session goes on.
 */
public final class RecordedLauncher implements TunnelLauncher {
    private static final Logger log = LoggerFactory.getLogger(RecordedLauncher.class);

    private final TunnelLauncher launcher;
    private final TunnelRecord record;
    /** The pid the record names, 0 for none: a late exit of an earlier child must not remove a newer record. */
    private int recorded;

    public RecordedLauncher(TunnelLauncher launcher, TunnelRecord record) {
        this.launcher = launcher;
        this.record = record;
    }

    @Override
    public RunningTunnel spawn(Path binary, int tunFd) {
        RunningTunnel tunnel = launcher.spawn(binary, tunFd);
        int pid = tunnel.pid();
        try {
            Optional<ProcessStart> start = ProcessStart.of(pid);
            if (start.isPresent()) {
                synchronized (this) {
                    record.write(new TunnelRecord.Entry(pid, start.get(), binary.toString()));
                    recorded = pid;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.atWarn()
                    .setMessage("could not record the tunnel child; a helper started after a crash will not find it")
                    .addKeyValue("pid", pid)
                    .addKeyValue("record", record.file())
                    .addKeyValue("error", e.toString())
                    .log();
        }
        tunnel.exit().whenComplete((status, e) -> forget(pid));
        return tunnel;
    }

    private synchronized void forget(int pid) {
        if (recorded != pid) {
            return;
        }
        recorded = 0;
        try {
            record.remove();
        } catch (IOException e) {
            log.atWarn()
                    .setMessage("could not remove the tunnel record")
                    .addKeyValue("record", record.file())
                    .addKeyValue("error", e.toString())
                    .log();
        }
    }
}
