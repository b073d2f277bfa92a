package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.netext.ExtensionClient;
import dev.tunnelhelper.netext.StartFailedException;
import dev.tunnelhelper.netext.StartFlags;
import dev.tunnelhelper.netext.net.InterfaceApplier;
import dev.tunnelhelper.netext.net.PlatformAppliers;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import dev.tunnelhelper.protocol.helper.Result;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.TunDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code netext-bridge start}: the TUN device, the applier, the helper connection, and how
 * the session ends — a CancelProvider, a lost connection, or a signal. Whichever way, the
 * settings are removed and the device closed exactly once.
 */
final class BridgeSession {
    private static final Logger log = LoggerFactory.getLogger(BridgeSession.class);

    /** How the foreground wait ended. */
    private record Ending(int exitCode, String message) {}

    private final HelperEndpoint endpoint;
    private final Duration connectTimeout;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final CompletableFuture<Ending> ending = new CompletableFuture<>();
    private volatile boolean signalled;
    private TunDevice tun;
    private InterfaceApplier applier;
    private ExtensionClient client;
    /** Null until {@link #cleanUp} has run. */
    private List<String> stillInPlace;

    BridgeSession(HelperEndpoint endpoint, Duration connectTimeout, Duration startTimeout, Duration stopTimeout) {
        this.endpoint = endpoint;
        this.connectTimeout = connectTimeout;
        this.startTimeout = startTimeout;
        this.stopTimeout = stopTimeout;
    }

    int run(String url, String token, List<StartRequest.Header> headers, String tunName, StartFlags flags)
            throws IOException {
        // Checked before creating a device: a missing helper is the commonest mistake and needs no root to report.
        // (Over XPC connecting is lazy: a missing service shows on the first request.)
        if (endpoint instanceof HelperEndpoint.UnixSocketEndpoint unix && !Files.exists(unix.socket())) {
            throw new HelperUnavailableException(unix.socket(), "no socket at the helper's extension endpoint", null);
        }
        try {
            tun = TunDevice.open(tunName);
        } catch (RuntimeException | LinkageError e) {
            System.err.println("netext-bridge: cannot open a TUN device" + (tunName == null ? "" : " '" + tunName + "'")
                    + ": " + e.getMessage() + " (this needs root and /dev/net/tun)");
            return ExitCodes.LOCAL_FAILURE;
        }
        applier = PlatformAppliers.forInterface(tun.name());
        try {
            client = ExtensionClient.connect(endpoint, connectTimeout, applier, this::onCancel);
        } catch (IOException | RuntimeException e) {
            tun.close();
            throw e;
        }
        client.closeFuture()
                .whenComplete((cause, ignored) -> ending.complete(new Ending(
                        ExitCodes.FAILURE,
                        "lost the connection to the helper" + (cause == null ? "" : ": " + cause.getMessage()))));
        Thread hook = NamedThreads.create("netext-bridge-shutdown", this::stopOnSignal);
        Runtime.getRuntime().addShutdownHook(hook);

        System.err.println(
                "netext-bridge: starting the tunnel on " + tun.name() + " via " + endpoint.describe() + " ...");
        try {
            client.start(url, token, headers, tun.fd(), flags, startTimeout);
        } catch (StartFailedException e) {
            List<String> left = cleanUp();
            removeHook(hook);
            System.err.println("netext-bridge: start failed: " + e.getMessage());
            if (!left.isEmpty()) {
                System.err.println("netext-bridge: " + endOfSession("after the failed start", tun.name(), left));
            }
            return ExitCodes.FAILURE;
        } catch (IOException | RuntimeException e) {
            List<String> left = cleanUp();
            removeHook(hook);
            if (!left.isEmpty()) {
                System.err.println("netext-bridge: " + endOfSession("after the failure", tun.name(), left));
            }
            throw e;
        }
        System.out.println(statusLine());
        System.out.flush();

        Ending end = ending.join();
        if (signalled) {
            // The shutdown hook owns the rest: it stops the session and cleans up; the JVM exits after it.
            return ExitCodes.FAILURE;
        }
        List<String> left = cleanUp();
        removeHook(hook);
        int exitCode = left.isEmpty() ? end.exitCode() : ExitCodes.FAILURE;
        (exitCode == ExitCodes.OK ? System.out : System.err)
                .println("netext-bridge: " + endOfSession(end.message(), tun.name(), left));
        return exitCode;
    }

    /**
     * The last line of a session: how it ended and what became of the settings, which are said to
     * be removed only when the applier removed every one it added.
     */
    static String endOfSession(String how, String tunName, List<String> stillInPlace) {
        if (stillInPlace.isEmpty()) {
            return how + "; network settings removed, " + tunName + " closed";
        }
        return how + "; network settings NOT all removed (" + String.join("; ", stillInPlace) + "); " + tunName
                + " closed";
    }

    private String statusLine() {
        String addrs = applier.addresses().stream().map(Object::toString).collect(Collectors.joining(", "));
        String routes = applier.routes().stream().map(Object::toString).collect(Collectors.joining(", "));
        return "netext-bridge: tunnel running on " + tun.name()
                + " | addresses " + (addrs.isEmpty() ? "none" : addrs)
                + " | routes " + (routes.isEmpty() ? "none" : routes)
                + " | mtu " + (applier.mtu() == 0 ? "default" : applier.mtu())
                + " | dns " + applier.dnsDescription()
                + " | stop: netext-bridge stop, or Ctrl-C";
    }

    private void onCancel(String error) {
        if (error.isEmpty()) {
            ending.complete(new Ending(ExitCodes.OK, "session stopped (clean stop requested through the helper)"));
        } else {
            ending.complete(new Ending(ExitCodes.FAILURE, "the tunnel stopped: " + error));
        }
    }

    /** SIGINT/SIGTERM: stop the session in the helper first, then remove what we applied. */
    private void stopOnSignal() {
        if (ending.isDone()) {
            cleanUp();
            return;
        }
        signalled = true;
        System.err.println("netext-bridge: signal received, stopping the session...");
        try {
            Result r = client.stop(stopTimeout);
            if (!r.getSuccess()) {
                System.err.println("netext-bridge: the helper could not stop cleanly: " + r.getErrorMessage());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("netext-bridge: stop request failed: " + e.getMessage());
        }
        List<String> left = cleanUp();
        ending.complete(new Ending(ExitCodes.OK, "stopped by signal"));
        System.err.println("netext-bridge: " + endOfSession("stopped", tun.name(), left));
    }

    /**
     * Removes the settings and closes the device and connection, once (the main thread and the
     * shutdown hook may both get here); returns what is still in place, to whichever asks.
     */
    private synchronized List<String> cleanUp() {
        if (stillInPlace != null) {
            return stillInPlace;
        }
        try {
            stillInPlace = applier.remove();
        } catch (RuntimeException e) {
            log.warn("removing network settings failed: {}", e.toString());
            stillInPlace = List.of("removing them failed: " + e.getMessage());
        }
        client.close();
        tun.close();
        return stillInPlace;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running; it finishes the cleanup
        }
    }
}
