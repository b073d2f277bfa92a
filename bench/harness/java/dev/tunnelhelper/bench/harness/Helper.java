package dev.tunnelhelper.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A helper started the way an operator starts it ({@code bin/tunnel-helper run --state-dir D
 * --ed25519-key K}) under {@code thb launch}, which times it until its app socket answers.
 * Everything the suite learns about it comes from its endpoints, /proc and the JDK's jcmd.
 */
final class Helper implements AutoCloseable {
    final Path stateDir;
    final long pid;
    final long listenWallNanos;
    final long listenCpuMillis;
    private final Proc launch;

    private Helper(Path stateDir, Proc launch, String listening) {
        String[] f = listening.split(" ");
        this.stateDir = stateDir;
        this.launch = launch;
        this.listenWallNanos = Long.parseLong(f[1]);
        this.listenCpuMillis = Long.parseLong(f[2]);
        this.pid = Long.parseLong(f[3]);
    }

    static Helper launch(Work work, Deployment trusted) {
        Path state = work.fresh("helper");
        Path appSocket = state.resolve("run/app.sock");
        Proc p = Proc.start(work, "helper", List.of(work.thb(), "launch", "--app-socket", appSocket.toString(),
                "--log", work.fresh("helper-output.log").toString(), "--",
                work.launcher("tunnel-helper").toString(), "run", "--state-dir", state.toString(),
                "--ed25519-key", trusted.publicKey.toString()), true);
        return new Helper(state, p, p.awaitLine("listening ", Duration.ofMinutes(3)));
    }

    Path appSocket() {
        return stateDir.resolve("run/app.sock");
    }

    Path extensionSocket() {
        return stateDir.resolve("run/ne.sock");
    }

    long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new MeasurementException("cannot read /proc/" + pid + "/status: " + e.getMessage());
        }
        throw new MeasurementException("/proc/" + pid + "/status has no VmRSS");
    }

    /** A full collection through the JDK's jcmd (System.gc in the helper). */
    void collectGarbage(Work work) {
        Proc.run(work, "jcmd-gc", List.of(Jdk.tool("jcmd"), Long.toString(pid), "GC.run"), Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        launch.close();
    }
}
