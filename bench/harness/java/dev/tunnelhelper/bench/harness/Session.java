package dev.tunnelhelper.bench.harness;

import java.time.Duration;
import java.util.List;

/**
 * A running tunnel session: {@code thb ext --hold yes} sends StartDaemon with a TUN fd and owns
 * the session until {@link #close} closes its stdin, when it sends StopDaemon.
 */
final class Session implements AutoCloseable {
    private final Proc ext;

    private Session(Proc ext) {
        this.ext = ext;
    }

    static Session start(Work work, Helper helper, Deployment deployment) {
        Proc p = Proc.start(work, "ext-hold", List.of(work.thb(), "ext", "--socket", helper.extensionSocket().toString(),
                "--url", deployment.url, "--hold", "yes"), true);
        p.awaitLine("running ", Duration.ofMinutes(3));
        return new Session(p);
    }

    @Override
    public void close() {
        ext.close();
    }
}
