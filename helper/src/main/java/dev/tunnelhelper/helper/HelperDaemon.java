package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.apps.AppFanout;
import dev.tunnelhelper.helper.apps.FanoutLimits;
import dev.tunnelhelper.helper.binary.Acquirer;
import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.helper.binary.BinaryAcquirer;
import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.endpoint.AccessPolicy;
import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.helper.endpoint.EndpointCarrier;
import dev.tunnelhelper.helper.endpoint.EndpointConnections;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.GroupDirectory;
import dev.tunnelhelper.helper.endpoint.UnixSocketCarrier;
import dev.tunnelhelper.helper.session.SessionEventListener;
import dev.tunnelhelper.helper.session.SessionSettings;
import dev.tunnelhelper.helper.session.TunnelSession;
import dev.tunnelhelper.helper.tunnel.OrphanSweep;
import dev.tunnelhelper.helper.tunnel.RecordedLauncher;
import dev.tunnelhelper.helper.tunnel.TunnelLauncher;
import dev.tunnelhelper.helper.tunnel.TunnelRecord;
import dev.tunnelhelper.helper.tunnel.TunnelSpawner;
import dev.tunnelhelper.helper.xpc.XpcCarrier;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.trust.PathTrust;
import dev.tunnelhelper.shim.NativePlatform;
import dev.tunnelhelper.shim.PowerEvent;
import dev.tunnelhelper.shim.SystemPowerWatch;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running helper: both endpoints, the tunnel session and binary acquisition, wired from the config. */
public final class HelperDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HelperDaemon.class);

    private final HelperConfig config;
    private final HelperPaths paths;
    private final TunnelSession session;
    private final AppFanout fanout;
    private final List<SessionEventListener> observers = new CopyOnWriteArrayList<>();
    private EndpointListener extensionEndpoint;
    private EndpointListener appEndpoint;
    private SystemPowerWatch powerWatch;

    public HelperDaemon(HelperConfig config, HelperPaths paths) {
        this(
                config,
                paths,
                new BinaryAcquirer(config.download()
                        .applyTo(AcquisitionConfig.builder(
                                        paths.binaryDirectory(),
                                        config.verification().settings())
                                .minimumVersion(config.minimumVersion()))
                        .build()),
                new RecordedLauncher(TunnelSpawner.INSTANCE, new TunnelRecord(paths.binaryDirectory())));
    }

    /**
     * With the session's two outside parts given: tests run the whole daemon, real sockets
     * included, on a fake acquirer and an in-process tunnel, without a deployment or root.
     */
    public HelperDaemon(HelperConfig config, HelperPaths paths, Acquirer acquirer, TunnelLauncher launcher) {
        this.config = config;
        this.paths = paths;
        SessionSettings settings = config.tunnel()
                .sessionSettings()
                .helperVersion(HelperVersion.get())
                .deviceId(config.deviceId() == null ? "" : config.deviceId())
                .deviceOs(deviceOs(NativePlatform.current()))
                .build();
        this.session = new TunnelSession(settings, acquirer, launcher);
        this.fanout = new AppFanout(
                HelperVersion.get(),
                new FanoutLimits(config.subscriberQueueDepth(), config.subscriberQueueBytes()),
                new SessionEventListener() {
                    @Override
                    public void subscriberDropped(String who, String reason) {
                        observers.forEach(o -> o.subscriberDropped(who, reason));
                    }
                });
        session.addListener(fanout);
    }

    /**
     * What the network extension's connecting sets off: the acquisition's HTTP client and digest
     * library built ahead of a start, once per helper (not a connection's resources: tests that
     * compare descriptors and threads take their baseline after it).
     */
    public CompletableFuture<Void> prepareForStart() {
        return session.prepareForStart();
    }

    /** {@code listener} hears the session's events and the app fan-out's dropped subscribers. */
    public void addListener(SessionEventListener listener) {
        observers.add(listener);
        session.addListener(listener);
    }

    /**
     * Checks (and creates what is missing of) the directories and files it uses, then starts
     * listening on both endpoints, over XPC when this is macOS and the config names the Mach
     * services, else over Unix sockets.
     */
    public void start() throws IOException, ConfigException {
        boolean xpc = XpcCarrier.selected(NativePlatform.current(), config);
        if (!xpc && config.effectiveXpc().isPresent()) {
            log.warn(
                    "the Mach services of the \"macos\"/\"xpc\" config sections are ignored: XPC exists only on macOS; using Unix sockets");
        }
        PathTrust trust = PathTrust.forThisProcess();
        new TrustedLayout(trust).prepare(paths, config, !xpc);
        // Before any session can spawn: a tunnel a killed helper left running is ended first.
        new OrphanSweep(
                        new TunnelRecord(paths.binaryDirectory()),
                        trust,
                        Duration.ofMillis(config.tunnel().killGraceMillis()))
                .run();
        long helperUid = trust.trustedUid();
        EndpointCarrier carrier = xpc
                ? new XpcCarrier(config.effectiveXpc().orElseThrow())
                : new UnixSocketCarrier(paths.appSocket(), paths.extensionSocket(), socketGroup());
        Duration settingsTimeout = Duration.ofMillis(config.tunnel().networkSettingsTimeoutMillis());
        AccessPolicy extensionPolicy = AccessPolicy.extension(helperUid);
        AccessPolicy appPolicy = xpc ? xpcAppPolicy(helperUid) : appPolicy(helperUid);
        ConnectionLimits limits = ConnectionLimits.of(
                Duration.ofSeconds(config.connections().idleTimeoutSeconds()),
                config.connections().maxPerUser(),
                helperUid);
        var extension = new EndpointSpec<>(
                "network-extension",
                Endpoints.Kind.EXTENSION,
                ExtensionMessage.parser(),
                Endpoints.HELPER_EXTENSION,
                e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                extensionPolicy::refusal,
                EndpointConnections.extensionConnections(session, settingsTimeout),
                limits);
        var app = new EndpointSpec<>(
                "app",
                Endpoints.Kind.APP,
                AppMessage.parser(),
                Endpoints.HELPER_APP,
                e -> HelperAppMessage.newBuilder().setError(e).build(),
                appPolicy::refusal,
                EndpointConnections.appConnections(session, fanout, HelperVersion.get()),
                limits);
        extensionEndpoint = carrier.listen(extension);
        try {
            appEndpoint = carrier.listen(app);
        } catch (IOException | RuntimeException e) {
            extensionEndpoint.close();
            throw e;
        }
        if (NativePlatform.current().isMac()) {
            // On macOS the helper hears system wake itself and forwards it like an app's NotifyWake.
            powerWatch = SystemPowerWatch.start(event -> {
                if (event == PowerEvent.DID_WAKE) {
                    session.wake()
                            .whenComplete((woke, e) -> log.atInfo()
                                    .setMessage("system woke; notified the tunnel")
                                    .addKeyValue(
                                            "result",
                                            e == null
                                                    ? "ok"
                                                    : e.getCause() == null
                                                            ? e.toString()
                                                            : e.getCause().getMessage())
                                    .log());
                }
            });
        }
        log.atInfo()
                .setMessage("tunnel-helper ready")
                .addKeyValue("version", HelperVersion.get())
                .addKeyValue("carrier", carrier.describe())
                .addKeyValue("app", appEndpoint.address())
                .addKeyValue("extension", extensionEndpoint.address())
                .addKeyValue("binaries", paths.binaryDirectory())
                .log();
        // The HTTP client and its TLS context are built by the first start, not here: built ahead
        // they cost 7.4 MiB of idle RSS (60.5 -> 67.9 MiB) for no measurable gain in a cold start
        // (docs/performance.md, "The HTTP client built ahead, measured").
    }

    public TunnelSession session() {
        return session;
    }

    public AppFanout fanout() {
        return fanout;
    }

    public HelperPaths paths() {
        return paths;
    }

    /**
     * Completes exceptionally when either endpoint's listener fails on its own after start (an XPC
     * listener launchd refused, {@link dev.tunnelhelper.helper.endpoint.ListenerFailedException});
     * never completes on Unix sockets. {@code run} ends the helper with exit code 1 then.
     */
    public CompletionStage<Object> listenerFailure() {
        return CompletableFuture.anyOf(
                extensionEndpoint.failure().toCompletableFuture(),
                appEndpoint.failure().toCompletableFuture());
    }

    /** Completes once neither endpoint has a connection open, refused ones still lingering included. */
    public CompletableFuture<Void> connectionsDrained() {
        return CompletableFuture.allOf(appEndpoint.drained(), extensionEndpoint.drained());
    }

    /** Stops a running session, closes the listeners and removes the socket files (if any). */
    @Override
    public void close() {
        log.info("shutting down");
        if (powerWatch != null) {
            powerWatch.close();
        }
        // Starts are refused with SHUTTING_DOWN from here on; a running tunnel is stopped first.
        session.shutdown().join();
        if (appEndpoint != null) {
            appEndpoint.close();
        }
        if (extensionEndpoint != null) {
            extensionEndpoint.close();
        }
        log.info("stopped");
    }

    private AccessPolicy appPolicy(long helperUid) throws IOException, ConfigException {
        Set<Long> gids = new HashSet<>();
        GroupDirectory groups = GroupDirectory.system();
        for (String name : config.appAccess().allowedGroups()) {
            gids.add(groups.gidOf(name)
                    .orElseThrow(
                            () -> new ConfigException("appAccess.allowedGroups: no group named \"" + name + "\"")));
        }
        return AccessPolicy.app(helperUid, Set.copyOf(config.appAccess().allowedUids()), gids);
    }

    /** Over XPC the team requirement authorizes the app; uids are optional on top, groups impossible (no gid). */
    private AccessPolicy xpcAppPolicy(long helperUid) throws ConfigException {
        if (!config.appAccess().allowedGroups().isEmpty()) {
            throw new ConfigException("appAccess.allowedGroups cannot be checked over XPC: XPC reports a peer's euid"
                    + " and pid but no group; the team's code-signing requirement already admits the app, and"
                    + " appAccess.allowedUids can narrow it to users");
        }
        return AccessPolicy.xpcApp(helperUid, Set.copyOf(config.appAccess().allowedUids()));
    }

    private GroupPrincipal socketGroup() throws IOException, ConfigException {
        String name = config.appAccess().socketGroup();
        if (name == null) {
            return null;
        }
        try {
            return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
            throw new ConfigException("appAccess.socketGroup: no group named \"" + name + "\"");
        }
    }

    /** The StartRequest's device_os when the extension gives none: "macOS" as Coder Desktop sends it, else the OS name. */
    static String deviceOs(NativePlatform platform) {
        return platform.isMac() ? "macOS" : platform.os();
    }
}
