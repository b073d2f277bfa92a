package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.helper.binary.BinaryAcquirer;
import dev.tunnelhelper.helper.binary.VerificationSettings;
import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.endpoint.AccessPolicy;
import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.helper.endpoint.EndpointCarrier;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.UnixSocketCarrier;
import dev.tunnelhelper.helper.xpc.XpcCarrier;
import dev.tunnelhelper.shim.NativePlatform;
import dev.tunnelhelper.shim.PowerEvent;
import dev.tunnelhelper.shim.SystemPowerWatch;
import dev.tunnelhelper.helper.endpoint.EndpointConnections;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.helper.endpoint.GroupDirectory;
import dev.tunnelhelper.helper.session.AppBroadcast;
import dev.tunnelhelper.helper.session.SessionManager;
import dev.tunnelhelper.helper.session.SessionSettings;
import dev.tunnelhelper.protocol.trust.PathTrust;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running helper: both endpoints, the session manager and binary acquisition, wired from the config. */
public final class HelperDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HelperDaemon.class);

    private final HelperConfig config;
    private final HelperPaths paths;
    private final SessionManager sessions;
    private final AppBroadcast broadcast = new AppBroadcast();
    private EndpointListener extensionEndpoint;
    private EndpointListener appEndpoint;
    private SystemPowerWatch powerWatch;

    public HelperDaemon(HelperConfig config, HelperPaths paths) throws ConfigException {
        this.config = config;
        this.paths = paths;
        HelperConfig.Tunnel t = config.tunnel();
        SessionSettings settings = new SessionSettings(
                Duration.ofMillis(t.handshakeTimeoutMillis()), Duration.ofMillis(t.startTimeoutMillis()),
                Duration.ofMillis(t.stopTimeoutMillis()), Duration.ofMillis(t.killGraceMillis()),
                Duration.ofMillis(t.rpcTimeoutMillis()), HelperVersion.get(),
                config.deviceId() == null ? "" : config.deviceId(), deviceOs());
        this.sessions = new SessionManager(settings, new BinaryAcquirer(acquisitionConfig()), broadcast);
    }

    /**
     * Checks (and creates what is missing of) the directories and files it uses, then starts
     * listening on both endpoints, over XPC when this is macOS and the config names the Mach
     * services, else over Unix sockets.
     */
    public void start() throws IOException, ConfigException {
        boolean xpc = XpcCarrier.selected(NativePlatform.current(), config);
        if (!xpc && config.effectiveXpc().isPresent()) {
            log.warn("the Mach services of the \"macos\"/\"xpc\" config sections are ignored: XPC exists only on macOS; using Unix sockets");
        }
        PathTrust trust = PathTrust.forThisProcess();
        new TrustedLayout(trust).prepare(paths, config, !xpc);
        long helperUid = trust.trustedUid();
        EndpointCarrier carrier = xpc ? new XpcCarrier(config.effectiveXpc().orElseThrow())
                : new UnixSocketCarrier(paths.appSocket(), paths.extensionSocket(), socketGroup());
        Duration settingsTimeout = Duration.ofMillis(config.tunnel().networkSettingsTimeoutMillis());
        AccessPolicy extensionPolicy = AccessPolicy.extension(helperUid);
        AccessPolicy appPolicy = appPolicy(helperUid);
        ConnectionLimits limits = ConnectionLimits.of(Duration.ofSeconds(config.connections().idleTimeoutSeconds()),
                config.connections().maxPerUser(), helperUid);
        var extension = new EndpointSpec<>("network-extension", Endpoints.Kind.EXTENSION,
                ExtensionMessage.parser(), Endpoints.HELPER_EXTENSION,
                e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                extensionPolicy::refusal, EndpointConnections.extensionConnections(sessions, settingsTimeout), limits);
        var app = new EndpointSpec<>("app", Endpoints.Kind.APP,
                AppMessage.parser(), Endpoints.HELPER_APP,
                e -> HelperAppMessage.newBuilder().setError(e).build(),
                appPolicy::refusal, EndpointConnections.appConnections(sessions, broadcast, config.subscriberQueueDepth(), HelperVersion.get()),
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
                    log.atInfo().setMessage("system woke; notifying the tunnel").addKeyValue("result",
                            sessions.wake().getErrorMessage()).log();
                }
            });
        }
        log.atInfo().setMessage("tunnel-helper ready").addKeyValue("version", HelperVersion.get())
                .addKeyValue("carrier", carrier.describe())
                .addKeyValue("app", appEndpoint.address()).addKeyValue("extension", extensionEndpoint.address())
                .addKeyValue("binaries", paths.binaryDirectory()).log();
    }

    public SessionManager sessions() {
        return sessions;
    }

    public AppBroadcast broadcast() {
        return broadcast;
    }

    public HelperPaths paths() {
        return paths;
    }

    /** Completes once neither endpoint has a connection open, refused ones still lingering included. */
    public java.util.concurrent.CompletableFuture<Void> connectionsDrained() {
        return java.util.concurrent.CompletableFuture.allOf(appEndpoint.drained(), extensionEndpoint.drained());
    }

    /** Stops a running session, closes the listeners and removes the socket files (if any). */
    @Override
    public void close() {
        log.info("shutting down");
        if (powerWatch != null) {
            powerWatch.close();
        }
        sessions.stop(null);
        if (appEndpoint != null) {
            appEndpoint.close();
        }
        if (extensionEndpoint != null) {
            extensionEndpoint.close();
        }
        log.info("stopped");
    }

    /** How binaries are verified under {@code config}; doctor checks the same settings. */
    public static VerificationSettings verificationSettings(HelperConfig config) {
        HelperConfig.Verification v = config.verification();
        return new VerificationSettings(
                v.ed25519PublicKeys().stream().map(Path::of).toList(), v.pinnedSha256(), v.macCodeSignature(),
                v.macSigningIdentifier(), v.macTeamIdentifier(), v.allowDisablingSignatureValidation());
    }

    private AcquisitionConfig acquisitionConfig() {
        HelperConfig.Download d = config.download();
        AcquisitionConfig.Builder b = AcquisitionConfig.builder(paths.binaryDirectory(), verificationSettings(config))
                .minimumVersion(config.minimumVersion())
                .connectTimeout(Duration.ofSeconds(d.connectTimeoutSeconds()))
                .idleTimeout(Duration.ofSeconds(d.idleTimeoutSeconds()))
                .totalTimeout(Duration.ofSeconds(d.totalTimeoutSeconds()))
                .maxBinaryBytes(d.maxBinaryBytes());
        if (d.extraCaCertificate() != null) {
            b.extraCaCertificate(Path.of(d.extraCaCertificate()));
        }
        return b.build();
    }

    private AccessPolicy appPolicy(long helperUid) throws IOException, ConfigException {
        Set<Long> gids = new HashSet<>();
        GroupDirectory groups = GroupDirectory.system();
        for (String name : config.appAccess().allowedGroups()) {
            gids.add(groups.gidOf(name).orElseThrow(() -> new ConfigException("appAccess.allowedGroups: no group named \"" + name + "\"")));
        }
        return AccessPolicy.app(helperUid, Set.copyOf(config.appAccess().allowedUids()), gids);
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

    static String deviceOs() {
        return deviceOs(NativePlatform.current());
    }

    /** The StartRequest's device_os when the extension gives none: "macOS" as Coder Desktop sends it, else the OS name. */
    static String deviceOs(NativePlatform platform) {
        return platform.isMac() ? "macOS" : platform.os();
    }
}
