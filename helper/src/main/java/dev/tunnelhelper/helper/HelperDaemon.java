package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.helper.binary.BinaryAcquirer;
import dev.tunnelhelper.helper.binary.VerificationSettings;
import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.endpoint.AccessPolicy;
import dev.tunnelhelper.helper.endpoint.EndpointServer;
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
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
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
    private EndpointServer<?, ?> extensionEndpoint;
    private EndpointServer<?, ?> appEndpoint;

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

    /** Creates the directories and starts listening on both endpoints. */
    public void start() throws IOException, ConfigException {
        prepareDirectory(paths.socketDirectory());
        prepareDirectory(paths.binaryDirectory());
        long helperUid = (Integer) Files.getAttribute(paths.socketDirectory(), "unix:uid");
        Duration settingsTimeout = Duration.ofMillis(config.tunnel().networkSettingsTimeoutMillis());
        var extension = new EndpointServer<>("network-extension", paths.extensionSocket(), Endpoints.Kind.EXTENSION,
                ExtensionMessage.parser(), Endpoints.HELPER_EXTENSION,
                e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                AccessPolicy.extension(helperUid), EndpointConnections.extensionConnections(sessions, settingsTimeout));
        var app = new EndpointServer<>("app", paths.appSocket(), Endpoints.Kind.APP,
                AppMessage.parser(), Endpoints.HELPER_APP,
                e -> HelperAppMessage.newBuilder().setError(e).build(),
                appPolicy(helperUid), EndpointConnections.appConnections(sessions, broadcast, config.subscriberQueueDepth(), HelperVersion.get()));
        extension.start("rw-------", null);
        extensionEndpoint = extension;
        try {
            app.start("rw-rw----", socketGroup());
        } catch (IOException e) {
            extension.close();
            throw e;
        }
        appEndpoint = app;
        log.atInfo().setMessage("tunnel-helper ready").addKeyValue("version", HelperVersion.get())
                .addKeyValue("app", paths.appSocket()).addKeyValue("extension", paths.extensionSocket())
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

    /** Stops a running session, closes the listeners and removes the socket files. */
    @Override
    public void close() {
        log.info("shutting down");
        sessions.stop(null);
        if (appEndpoint != null) {
            appEndpoint.close();
        }
        if (extensionEndpoint != null) {
            extensionEndpoint.close();
        }
        log.info("stopped");
    }

    private AcquisitionConfig acquisitionConfig() {
        HelperConfig.Verification v = config.verification();
        VerificationSettings verification = new VerificationSettings(
                v.ed25519PublicKeys().stream().map(Path::of).toList(), v.pinnedSha256(), v.macCodeSignature(),
                v.macSigningIdentifier(), v.macTeamIdentifier(), v.allowDisablingSignatureValidation());
        HelperConfig.Download d = config.download();
        AcquisitionConfig.Builder b = AcquisitionConfig.builder(paths.binaryDirectory(), verification)
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

    /** Root-owned (or the helper user's, unprivileged) and 0755: others may reach the sockets, not replace them. */
    private static void prepareDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    static String deviceOs() {
        String os = System.getProperty("os.name").toLowerCase();
        return os.contains("mac") ? "darwin" : os.contains("linux") ? "linux" : os;
    }
}
