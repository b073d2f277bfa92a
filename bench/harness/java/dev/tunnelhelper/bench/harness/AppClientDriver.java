package dev.tunnelhelper.bench.harness;

import dev.tunnelhelper.app.HelperClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An app embedding the app-client library, timing GetPeerState through it:
 * {@code AppClientDriver SOCKET WARMUP} connects, makes at least WARMUP calls and then more, in
 * batches, until the JIT compiler has been idle for {@value #IDLE_BATCHES} batches in a row (a
 * long-running app's steady state: a measurement taken while C2 still compiles the call path
 * shares two CPUs with the compiler thread; one idle batch can fall between two compilations),
 * prints "warmed CALLS JIT_MS" (JIT_MS: compile time in the last batch) and "ready", then for each stdin line "run R N [W]"
 * makes W more warm-up calls and prints "begin R", N lines "sample NS" and "done R". The first
 * reply's agent count is printed as "agents N".
 */
public final class AppClientDriver {
    /** Calls per batch while waiting for the JIT to go idle. */
    private static final int BATCH = 1_000;
    /** Consecutive batches without compiling that count as idle. */
    private static final int IDLE_BATCHES = 3;
    /** Stop waiting after this many calls beyond WARMUP; "warmed" then reports the compiler still busy. */
    private static final int MAX_EXTRA = 60_000;

    private AppClientDriver() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        try (HelperClient client = HelperClient.connect(Path.of(args[0]), Duration.ofSeconds(30))) {
            out.println("agents " + client.peerState().getPeers().getUpsertedAgentsCount());
            int warmup = Integer.parseInt(args[1]);
            int calls = 0;
            for (int i = warmup; i > 0; i--, calls++) {
                client.peerState();
            }
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            long compiledBefore;
            long compiledInLastBatch = -1; // unknown: a JVM without compilation time monitoring
            int idleBatches = 0;
            while (jit != null && jit.isCompilationTimeMonitoringSupported()) {
                compiledBefore = jit.getTotalCompilationTime();
                for (int i = 0; i < BATCH; i++, calls++) {
                    client.peerState();
                }
                compiledInLastBatch = jit.getTotalCompilationTime() - compiledBefore;
                idleBatches = compiledInLastBatch == 0 ? idleBatches + 1 : 0;
                if (idleBatches == IDLE_BATCHES || calls >= warmup + MAX_EXTRA) {
                    break;
                }
            }
            out.println("warmed " + calls + " " + compiledInLastBatch);
            out.println("ready");
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.split(" ");
                for (int i = f.length > 3 ? Integer.parseInt(f[3]) : 0; i > 0; i--) {
                    client.peerState();
                }
                long[] samples = new long[Integer.parseInt(f[2])];
                for (int i = 0; i < samples.length; i++) {
                    long t0 = System.nanoTime();
                    client.peerState();
                    samples[i] = System.nanoTime() - t0;
                }
                out.println("begin " + f[1]);
                out.println("agents " + client.peerState().getPeers().getUpsertedAgentsCount());
                for (long s : samples) {
                    out.println("sample " + s);
                }
                out.println("done " + f[1]);
                out.flush();
            }
        }
    }
}
