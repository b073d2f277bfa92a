package dev.tunnelhelper.helper.soak;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.Subscription;
import dev.tunnelhelper.app.SubscriptionListener;
import dev.tunnelhelper.helper.HelperMain;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.launchd.DaemonJvmOptions;
import dev.tunnelhelper.netext.ExtensionClient;
import dev.tunnelhelper.netext.StartFlags;
import dev.tunnelhelper.netext.net.InterfaceApplier;
import dev.tunnelhelper.netext.net.PlatformAppliers;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.EndpointClient;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.NotifyWake;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import dev.tunnelhelper.testbed.tunnel.TunnelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * scripts/soak.sh: a testbed deployment in this JVM, {@code tunnel-helper run} as a process of
 * its own, and N cycles of a real session against it (a TUN device, netext-bridge's client and
 * interface applier, start; the app's GetPeerState, subscribe, wake, unsubscribe; stop). The
 * helper's descriptors, threads and RSS are read from /proc after a GC ({@code jcmd GC.run})
 * once the first cycle is done and again after the last; the last line printed is
 * {@code soak: N cycles, fd delta D, thread delta T, rss delta R KiB}.
 *
 * <p>Arguments: {@code <cycles> <work directory> <tun name> <subnet> [--fd-audit]}. Needs root and
 * /dev/net/tun; {@code --fd-audit} needs strace (see {@link FdAudit}).
 */
public final class SoakDriver {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A settled reading: counts, and what the descriptors point at and the threads are called, to name a delta. */
    private record Usage(List<String> fdTargets, List<String> threadNames, long rssKib) {
        long fds() {
            return fdTargets.size();
        }

        long threads() {
            return threadNames.size();
        }

        boolean sameCounts(Usage other) {
            return fds() == other.fds() && threads() == other.threads();
        }

        @Override
        public String toString() {
            return "fds " + fds() + ", threads " + threads() + ", rss " + rssKib + " KiB";
        }
    }

    /** How many readings, a quarter second apart, may pass before two consecutive ones agree. */
    private static final int SETTLE_READINGS = 40;
    /**
     * Longer than the JDK's cached thread pools keep an idle thread (60 s: the session's workers,
     * the process reaper that waits for each tunnel child): a reading taken sooner counts the
     * workers the last few cycles happened to leave idle, which is not growth.
     */
    private static final Duration IDLE_WORKERS_EXPIRE = Duration.ofSeconds(65);

    private SoakDriver() {}

    public static void main(String[] args) throws Exception {
        int cycles = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        String tunName = args[2];
        String subnet = args[3];
        Path straceLog = args.length > 4 && args[4].equals("--fd-audit") ? work.resolve("helper.strace") : null;
        TunnelSettings tunnel = TunnelSettings.defaults().withSubnet(subnet).withScenario(2, 2, Duration.ofMillis(200));
        try (DeploymentServer deployment = DeploymentServer.start(DeploymentOptions.builder(
                        work.resolve("deployment"),
                        BinarySource.bytes("reference tunnel", TunnelLauncher.script(tunnel)))
                .build())) {
            HelperPaths paths = HelperPaths.underStateDir(work.resolve("helper"));
            Process helper = startHelper(work, deployment.publicKeyPath(), straceLog);
            String result;
            try {
                awaitSocket(paths.appSocket(), helper);
                awaitSocket(paths.extensionSocket(), helper);
                long helperPid = jvmPid(helper);
                Usage first = null;
                CycleTimes times = new CycleTimes();
                for (int i = 1; i <= cycles; i++) {
                    cycle(deployment.url(), paths, tunName, times);
                    if (i == 1) {
                        first = settledUsage(helperPid);
                        System.out.println("soak: after cycle 1 " + first);
                        times.reset(); // the first start downloads and verifies: not what a cycle costs
                    }
                    if (i % 50 == 0) {
                        System.out.println(
                                "soak: " + i + " cycles done, helper now " + usage(helperPid) + "; " + times);
                    }
                }
                Usage last = settledUsage(helperPid);
                System.out.println("soak: after cycle 1 " + first + ", after cycle " + cycles + " " + last);
                printDifference("descriptors", first.fdTargets(), last.fdTargets());
                printDifference("threads", first.threadNames(), last.threadNames());
                System.out.println("soak: cycles 2-" + cycles + ": " + times);
                result = "soak: " + cycles + " cycles, fd delta " + (last.fds() - first.fds())
                        + ", thread delta " + (last.threads() - first.threads()) + ", rss delta "
                        + (last.rssKib() - first.rssKib()) + " KiB";
                if (straceLog != null) {
                    stopWhileRunning(deployment.url(), paths, tunName, helper);
                }
            } finally {
                stop(helper);
            }
            if (straceLog != null) {
                audit(straceLog);
            }
            System.out.println(result);
        }
    }

    /**
     * The audit's end: a session started and left RUNNING, then the helper's SIGTERM, as in the
     * JFR run that crashed at shutdown; the helper's shutdown, not a stop, ends the tunnel.
     */
    private static void stopWhileRunning(String url, HelperPaths paths, String tunName, Process helper)
            throws Exception {
        try (TunDevice tun = TunDevice.open(tunName)) {
            InterfaceApplier applier = PlatformAppliers.forInterface(tun.name());
            try (ExtensionClient ne =
                    ExtensionClient.connect(paths.extensionSocket(), TIMEOUT, applier, reason -> {})) {
                ne.start(url, "soak-token", List.of(), tun.fd(), StartFlags.DEFAULT, TIMEOUT);
                System.out.println("soak: fd audit: SIGTERM to the helper with a session running");
                stop(helper);
            } finally {
                applier.remove();
            }
        }
    }

    /** Replays the helper's strace log; a close of a descriptor it did not own fails the soak. */
    private static void audit(Path straceLog) throws IOException {
        FdAudit.Report report = FdAudit.replay(straceLog);
        report.findings().forEach(finding -> System.out.println("fd audit: " + finding));
        System.out.println(report.summary());
        if (!report.findings().isEmpty()) {
            throw new IllegalStateException(
                    "the helper closed descriptors it did not own (above; the log is " + straceLog + ")");
        }
    }

    /** SIGTERM to the helper's JVM itself (under a wrapper such as strace the wrapper would only detach); waits for it and its wrapper. */
    private static void stop(Process helper) throws InterruptedException {
        Stream.concat(Stream.of(helper.toHandle()), helper.descendants())
                .filter(p -> p.info().command().orElse("").endsWith("/java"))
                .forEach(ProcessHandle::destroy);
        helper.destroy();
        if (!helper.waitFor(30, TimeUnit.SECONDS)) {
            helper.destroyForcibly().waitFor();
        }
    }

    /**
     * One session: a fresh TUN device and extension connection, start; an app connects and makes
     * its calls while it runs (GetPeerState, subscribe, wake, unsubscribe) and leaves; stop. The
     * app connects anew each cycle: a connection kept through the settling wait would be closed
     * by the helper's idle timeout, and connecting is part of what is soaked.
     */
    private static void cycle(String url, HelperPaths paths, String tunName, CycleTimes times) throws Exception {
        long begun = System.nanoTime();
        try (TunDevice tun = TunDevice.open(tunName)) {
            InterfaceApplier applier = PlatformAppliers.forInterface(tun.name());
            try (ExtensionClient ne =
                    ExtensionClient.connect(paths.extensionSocket(), TIMEOUT, applier, reason -> {})) {
                long connected = times.add(Step.OPEN, begun);
                ne.start(url, "soak-token", List.of(), tun.fd(), StartFlags.DEFAULT, TIMEOUT);
                long started = times.add(Step.START, connected);
                appCalls(paths);
                long called = times.add(Step.APP_CALLS, started);
                if (!ne.stop(TIMEOUT).getSuccess()) {
                    throw new IllegalStateException("stop failed");
                }
                times.add(Step.STOP, called);
            } finally {
                applier.remove();
            }
        }
        times.cycleDone(begun);
    }

    private static void appCalls(HelperPaths paths) throws Exception {
        try (HelperClient app = HelperClient.connect(paths.appSocket(), TIMEOUT);
                Speaker<AppMessage, HelperAppMessage> wake =
                        EndpointClient.connectApp(paths.appSocket(), TIMEOUT, push -> {})) {
            app.peerState();
            try (Subscription subscription = app.subscribe(new SubscriptionListener() {}, false)) {
                Result woke = wake.call(
                                AppMessage.newBuilder()
                                        .setNotifyWake(NotifyWake.getDefaultInstance())
                                        .build(),
                                TIMEOUT)
                        .getResult();
                if (!woke.getSuccess()) {
                    throw new IllegalStateException("wake failed: " + woke.getErrorMessage());
                }
            }
        }
    }

    private enum Step {
        OPEN,
        START,
        APP_CALLS,
        STOP
    }

    /** Where a cycle's time goes: the mean of each step, in ms, over the cycles since the last reset. */
    private static final class CycleTimes {
        private final Map<Step, Long> nanos = new EnumMap<>(Step.class);
        private long cycles;
        private long total;

        /** Adds the time since {@code since} to {@code step}; returns now. */
        long add(Step step, long since) {
            long now = System.nanoTime();
            nanos.merge(step, now - since, Long::sum);
            return now;
        }

        void cycleDone(long begun) {
            total += System.nanoTime() - begun;
            cycles++;
        }

        void reset() {
            nanos.clear();
            cycles = 0;
            total = 0;
        }

        @Override
        public String toString() {
            StringBuilder sb =
                    new StringBuilder("mean cycle ").append(mean(total)).append(" ms (");
            String separator = "";
            for (Step step : Step.values()) {
                sb.append(separator)
                        .append(step.name().toLowerCase(Locale.ROOT))
                        .append(' ')
                        .append(mean(nanos.getOrDefault(step, 0L)));
                separator = ", ";
            }
            return sb.append(')').toString();
        }

        private long mean(long sum) {
            return cycles == 0 ? 0 : sum / cycles / 1_000_000;
        }
    }

    /**
     * The helper's JVM; SOAK_HELPER_WRAPPER (e.g. {@code strace -f -Z -e trace=close -o FILE}) goes in
     * front of it. With a {@code straceLog} (the fd audit) strace goes in front instead, writing
     * there, and the JVM records with JFR, dumped at exit, as in the run that crashed.
     */
    private static Process startHelper(Path work, Path key, Path straceLog) throws IOException {
        // The soak counts what cycles leave behind, not how fast a loaded machine starts a JVM: the
        // reference tunnel (a JVM) gets minutes, not the default 10 s, for its handshake and start.
        Path stateDir = Files.createDirectories(work.resolve("helper"));
        Files.writeString(
                stateDir.resolve("helper.json"),
                "{\"tunnel\": {\"handshakeTimeoutMillis\": 120000, \"startTimeoutMillis\": 120000}}\n");
        List<String> command = new ArrayList<>();
        String wrapper = System.getenv().getOrDefault("SOAK_HELPER_WRAPPER", "").trim();
        if (straceLog != null) {
            command.addAll(FdAudit.straceCommand(straceLog));
        } else if (!wrapper.isEmpty()) {
            command.addAll(List.of(wrapper.split("\\s+")));
        }
        // The helper as it is shipped: the daemon's JVM options (the ones bin/tunnel-helper, the jlink
        // image and the macOS bundle pass) and at most two malloc arenas, as bin/tunnel-helper sets.
        // With the JVM's defaults instead (G1, a heap of a quarter of the machine's memory) the RSS
        // figure would say how far the default heap grows, not what the daemon holds.
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(DaemonJvmOptions.get());
        if (straceLog != null) {
            command.add("-XX:StartFlightRecording=filename=" + work.resolve("helper.jfr") + ",dumponexit=true");
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                HelperMain.class.getName(),
                "run",
                "--state-dir",
                work.resolve("helper").toString(),
                "--ed25519-key",
                key.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        return builder.redirectErrorStream(true)
                .redirectOutput(work.resolve("helper.out").toFile())
                .start();
    }

    /** The helper's JVM: the process itself, or the java process under a SOAK_HELPER_WRAPPER. */
    private static long jvmPid(Process helper) {
        return Stream.concat(Stream.of(helper.toHandle()), helper.descendants())
                .filter(p -> p.info().command().orElse("").endsWith("/java"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no java process under " + helper.pid()))
                .pid();
    }

    private static void awaitSocket(Path socket, Process helper) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(socket)) {
            if (!helper.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the helper never listened on " + socket);
            }
            Thread.sleep(50);
        }
    }

    /**
     * A reading taken once idle pooled threads have expired ({@link #IDLE_WORKERS_EXPIRE}) and then
     * two consecutive readings (each after a full GC) agree on descriptors and threads: a reading
     * right after a cycle counts what is about to go (the stop reply is sent before the session's
     * last work ends), and a single early reading made the deltas of the first soak -1.
     */
    private static Usage settledUsage(long pid) throws IOException, InterruptedException {
        TimeUnit.NANOSECONDS.sleep(IDLE_WORKERS_EXPIRE.toNanos());
        Usage previous = usage(pid);
        for (int i = 1; i < SETTLE_READINGS; i++) {
            TimeUnit.MILLISECONDS.sleep(250);
            Usage next = usage(pid);
            if (next.sameCounts(previous)) {
                return next;
            }
            previous = next;
        }
        throw new IllegalStateException("the helper's descriptors or threads never settled: last " + previous);
    }

    /** Names what is in one reading and not in the other, so a non-zero delta says what it is. */
    private static void printDifference(String what, List<String> first, List<String> last) {
        List<String> gone = new ArrayList<>(first);
        last.forEach(gone::remove);
        List<String> added = new ArrayList<>(last);
        first.forEach(added::remove);
        if (!gone.isEmpty() || !added.isEmpty()) {
            System.out.println("soak: " + what + " only after cycle 1: " + gone + "; only at the end: " + added);
        }
    }

    /** What a descriptor points at (a socket or pipe by its inode), or that it closed while we looked. */
    private static String target(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException closedMeanwhile) {
            return "(closed while read)";
        }
    }

    /** A thread's name, or that it ended while we looked. */
    private static String readGone(Path comm) {
        try {
            return Files.readString(comm).trim();
        } catch (IOException endedMeanwhile) {
            return "(ended while read)";
        }
    }

    /** The helper's open descriptors, threads and resident memory, right after a full GC. */
    private static Usage usage(long pid) throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        Long.toString(pid),
                        "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (gc.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " GC.run failed");
        }
        List<String> fds = new ArrayList<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                fds.add(target(fd));
            }
        }
        List<String> threads = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                threads.add(readGone(task.resolve("comm")));
            }
        }
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
        }
        fds.sort(null);
        threads.sort(null);
        return new Usage(fds, threads, rss);
    }
}
