package dev.tunnelhelper.helper.soak;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.Subscription;
import dev.tunnelhelper.app.SubscriptionListener;
import dev.tunnelhelper.helper.HelperMain;
import dev.tunnelhelper.helper.HelperPaths;
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
import java.util.List;
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
 * <p>Arguments: {@code <cycles> <work directory> <tun name> <subnet>}. Needs root and /dev/net/tun.
 */
public final class SoakDriver {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private record Usage(long fds, long threads, long rssKib) {}

    private SoakDriver() {}

    public static void main(String[] args) throws Exception {
        int cycles = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        String tunName = args[2];
        String subnet = args[3];
        TunnelSettings tunnel = TunnelSettings.defaults().withSubnet(subnet).withScenario(2, 2, Duration.ofMillis(200));
        try (DeploymentServer deployment = DeploymentServer.start(DeploymentOptions.builder(
                        work.resolve("deployment"),
                        BinarySource.bytes("reference tunnel", TunnelLauncher.script(tunnel)))
                .build())) {
            HelperPaths paths = HelperPaths.underStateDir(work.resolve("helper"));
            Process helper = startHelper(work, deployment.publicKeyPath());
            try {
                awaitSocket(paths.appSocket(), helper);
                awaitSocket(paths.extensionSocket(), helper);
                long helperPid = jvmPid(helper);
                Usage first = null;
                try (HelperClient app = HelperClient.connect(paths.appSocket(), TIMEOUT);
                        Speaker<AppMessage, HelperAppMessage> wake =
                                EndpointClient.connectApp(paths.appSocket(), TIMEOUT, push -> {})) {
                    for (int i = 1; i <= cycles; i++) {
                        cycle(deployment.url(), paths, app, wake, tunName);
                        if (i == 1) {
                            first = usage(helperPid);
                        }
                        if (i % 50 == 0) {
                            System.out.println("soak: " + i + " cycles done, helper now " + usage(helperPid));
                        }
                    }
                }
                Usage last = usage(helperPid);
                System.out.println("soak: after cycle 1 " + first + ", after cycle " + cycles + " " + last);
                System.out.println("soak: " + cycles + " cycles, fd delta " + (last.fds() - first.fds())
                        + ", thread delta " + (last.threads() - first.threads()) + ", rss delta "
                        + (last.rssKib() - first.rssKib()) + " KiB");
            } finally {
                helper.destroy();
                if (!helper.waitFor(30, TimeUnit.SECONDS)) {
                    helper.destroyForcibly().waitFor();
                }
            }
        }
    }

    /** One session: start with a fresh TUN device, the app's calls while it runs, stop. */
    private static void cycle(
            String url, HelperPaths paths, HelperClient app, Speaker<AppMessage, HelperAppMessage> wake, String tunName)
            throws Exception {
        try (TunDevice tun = TunDevice.open(tunName)) {
            InterfaceApplier applier = PlatformAppliers.forInterface(tun.name());
            try (ExtensionClient ne =
                    ExtensionClient.connect(paths.extensionSocket(), TIMEOUT, applier, reason -> {})) {
                ne.start(url, "soak-token", List.of(), tun.fd(), StartFlags.DEFAULT, TIMEOUT);
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
                if (!ne.stop(TIMEOUT).getSuccess()) {
                    throw new IllegalStateException("stop failed");
                }
            } finally {
                applier.remove();
            }
        }
    }

    /** The helper's JVM; SOAK_HELPER_WRAPPER (e.g. {@code strace -f -Z -e trace=close -o FILE}) goes in front of it. */
    private static Process startHelper(Path work, Path key) throws IOException {
        List<String> command = new ArrayList<>();
        String wrapper = System.getenv().getOrDefault("SOAK_HELPER_WRAPPER", "").trim();
        if (!wrapper.isEmpty()) {
            command.addAll(List.of(wrapper.split("\\s+")));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                HelperMain.class.getName(),
                "run",
                "--state-dir",
                work.resolve("helper").toString(),
                "--ed25519-key",
                key.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
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
        long fds;
        try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = list.count();
        }
        long threads = 0;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                threads = Long.parseLong(line.substring(8).trim());
            } else if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).replace("kB", "").trim());
            }
        }
        return new Usage(fds, threads, rss);
    }
}
