package dev.tunnelhelper.bench.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The two-hop floor: {@code thb relay} on a Unix socket, with its own started thb-tunnel on two
 * pipes behind it (bench/harness/c/floor.c). The same C client measures it and the helper.
 */
final class Floor implements AutoCloseable {
    final Path socket;
    final Path control;
    private final Proc relay;

    private Floor(Path socket, Path control, Proc relay) {
        this.socket = socket;
        this.control = control;
        this.relay = relay;
    }

    static Floor start(Work work) {
        Path socket = work.fresh("relay.sock");
        Path control = work.fresh("relay-tunnel.ctl");
        Proc p = Proc.start(work, "relay", List.of(work.thb(), "relay", "--socket", socket.toString(), "--binary",
                work.tunnelPath().toString(), "--control", control.toString()), false);
        p.awaitLine("ready", Duration.ofMinutes(1));
        return new Floor(socket, control, p);
    }

    @Override
    public void close() {
        relay.close();
    }
}
