package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.shim.NativePlatform;
import java.util.List;
import java.util.Optional;

/**
 * The helper's JSON configuration (ARCHITECTURE §6). Every field is optional with a safe
 * default; {@link ConfigLoader} rejects unknown keys and validates values at startup.
 */
public record HelperConfig(
        String socketDirectory,
        String binaryDirectory,
        String logDirectory,
        AppAccess appAccess,
        String minimumVersion,
        Verification verification,
        Download download,
        Tunnel tunnel,
        int subscriberQueueDepth,
        String deviceId,
        Xpc xpc,
        LaunchdSettings macos,
        Connections connections) {

    @JsonCreator
    public HelperConfig(
            @JsonProperty("socketDirectory") String socketDirectory,
            @JsonProperty("binaryDirectory") String binaryDirectory,
            @JsonProperty("logDirectory") String logDirectory,
            @JsonProperty("appAccess") AppAccess appAccess,
            @JsonProperty("minimumVersion") String minimumVersion,
            @JsonProperty("verification") Verification verification,
            @JsonProperty("download") Download download,
            @JsonProperty("tunnel") Tunnel tunnel,
            @JsonProperty("subscriberQueueDepth") Integer subscriberQueueDepth,
            @JsonProperty("deviceId") String deviceId,
            @JsonProperty("xpc") Xpc xpc,
            @JsonProperty("macos") LaunchdSettings macos,
            @JsonProperty("connections") Connections connections) {
        this(socketDirectory == null ? DefaultDirectories.of(NativePlatform.current(), macos).sockets() : socketDirectory,
                binaryDirectory == null ? DefaultDirectories.of(NativePlatform.current(), macos).binaries() : binaryDirectory,
                logDirectory == null ? DefaultDirectories.of(NativePlatform.current(), macos).logs() : logDirectory,
                appAccess == null ? AppAccess.DEFAULT : appAccess,
                minimumVersion == null ? "2.24.3" : minimumVersion,
                verification == null ? Verification.DEFAULT : verification,
                download == null ? Download.DEFAULT : download,
                tunnel == null ? Tunnel.DEFAULT : tunnel,
                subscriberQueueDepth == null ? 1024 : subscriberQueueDepth.intValue(),
                deviceId,
                xpc,
                macos,
                connections == null ? Connections.DEFAULT : connections);
    }

    public static HelperConfig defaults() {
        return new HelperConfig(null, null, null, null, null, null, null, null, (Integer) null, null, null, null, null);
    }

    public HelperConfig withDirectories(String sockets, String binaries, String logs) {
        return toBuilder().set(b -> {
            b.socketDirectory = sockets;
            b.binaryDirectory = binaries;
            b.logDirectory = logs;
        });
    }

    public HelperConfig withMinimumVersion(String v) {
        return toBuilder().set(b -> b.minimumVersion = v);
    }

    public HelperConfig withVerification(Verification v) {
        return toBuilder().set(b -> b.verification = v);
    }

    public HelperConfig withDownload(Download d) {
        return toBuilder().set(b -> b.download = d);
    }

    public HelperConfig withTunnel(Tunnel t) {
        return toBuilder().set(b -> b.tunnel = t);
    }

    public HelperConfig withSubscriberQueueDepth(int depth) {
        return toBuilder().set(b -> b.subscriberQueueDepth = depth);
    }

    public HelperConfig withXpc(Xpc x) {
        return toBuilder().set(b -> b.xpc = x);
    }

    public HelperConfig withAppAccess(AppAccess a) {
        return toBuilder().set(b -> b.appAccess = a);
    }

    public HelperConfig withConnections(Connections c) {
        return toBuilder().set(b -> b.connections = c);
    }

    /**
     * The Mach services and requirements of the XPC carrier, when this config has any: each
     * {@code xpc} key given, else what the {@code macos} section derives (the names the plist's
     * {@code MachServices} declare, and the team's requirement). Empty without either section.
     */
    public Optional<Xpc> effectiveXpc() {
        if (xpc == null && macos == null) {
            return Optional.empty();
        }
        Xpc given = xpc != null ? xpc : new Xpc(null, null, null, null);
        if (macos == null) {
            return Optional.of(given);
        }
        return Optional.of(new Xpc(
                given.appServiceName() != null ? given.appServiceName() : macos.appServiceName(),
                given.extensionServiceName() != null ? given.extensionServiceName() : macos.extensionServiceName(),
                given.appRequirement() != null ? given.appRequirement() : macos.teamRequirement(),
                given.extensionRequirement() != null ? given.extensionRequirement() : macos.teamRequirement()));
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    /** The one place that copies every field, so each {@code with…} names only what it changes. */
    private static final class Builder {
        String socketDirectory;
        String binaryDirectory;
        String logDirectory;
        AppAccess appAccess;
        String minimumVersion;
        Verification verification;
        Download download;
        Tunnel tunnel;
        int subscriberQueueDepth;
        String deviceId;
        Xpc xpc;
        LaunchdSettings macos;
        Connections connections;

        Builder(HelperConfig c) {
            socketDirectory = c.socketDirectory;
            binaryDirectory = c.binaryDirectory;
            logDirectory = c.logDirectory;
            appAccess = c.appAccess;
            minimumVersion = c.minimumVersion;
            verification = c.verification;
            download = c.download;
            tunnel = c.tunnel;
            subscriberQueueDepth = c.subscriberQueueDepth;
            deviceId = c.deviceId;
            xpc = c.xpc;
            macos = c.macos;
            connections = c.connections;
        }

        HelperConfig set(java.util.function.Consumer<Builder> change) {
            change.accept(this);
            return new HelperConfig(socketDirectory, binaryDirectory, logDirectory, appAccess, minimumVersion, verification,
                    download, tunnel, subscriberQueueDepth, deviceId, xpc, macos, connections);
        }
    }

    /**
     * Who may use the app endpoint. Root and the helper's own user always may. {@code socketGroup}
     * only decides the socket file's group (mode 0660); being in it grants nothing by itself.
     */
    public record AppAccess(String socketGroup, List<Long> allowedUids, List<String> allowedGroups) {
        static final AppAccess DEFAULT = new AppAccess(null, List.of(), List.of());

        @JsonCreator
        public AppAccess(@JsonProperty("socketGroup") String socketGroup,
                         @JsonProperty("allowedUids") List<Long> allowedUids,
                         @JsonProperty("allowedGroups") List<String> allowedGroups) {
            this.socketGroup = socketGroup;
            this.allowedUids = allowedUids == null ? List.of() : List.copyOf(allowedUids);
            this.allowedGroups = allowedGroups == null ? List.of() : List.copyOf(allowedGroups);
        }
    }

    /** How downloaded binaries are trusted (docs/security.md, "Binary trust"). */
    public record Verification(List<String> ed25519PublicKeys, List<String> pinnedSha256, boolean macCodeSignature,
                               String macSigningIdentifier, String macTeamIdentifier, boolean allowDisablingSignatureValidation) {
        static final Verification DEFAULT = new Verification(List.of(), List.of(), null, null, null, null);

        @JsonCreator
        public Verification(@JsonProperty("ed25519PublicKeys") List<String> ed25519PublicKeys,
                            @JsonProperty("pinnedSha256") List<String> pinnedSha256,
                            @JsonProperty("macCodeSignature") Boolean macCodeSignature,
                            @JsonProperty("macSigningIdentifier") String macSigningIdentifier,
                            @JsonProperty("macTeamIdentifier") String macTeamIdentifier,
                            @JsonProperty("allowDisablingSignatureValidation") Boolean allowDisablingSignatureValidation) {
            this(ed25519PublicKeys == null ? List.of() : List.copyOf(ed25519PublicKeys),
                    pinnedSha256 == null ? List.of() : List.copyOf(pinnedSha256),
                    macCodeSignature != null && macCodeSignature,
                    macSigningIdentifier == null ? "com.coder.cli" : macSigningIdentifier,
                    macTeamIdentifier,
                    allowDisablingSignatureValidation != null && allowDisablingSignatureValidation);
        }

        public Verification withEd25519Keys(List<String> keys) {
            return new Verification(keys, pinnedSha256, macCodeSignature, macSigningIdentifier, macTeamIdentifier,
                    allowDisablingSignatureValidation);
        }

        public Verification withAllowDisabling(boolean allow) {
            return new Verification(ed25519PublicKeys, pinnedSha256, macCodeSignature, macSigningIdentifier, macTeamIdentifier, allow);
        }
    }

    public record Download(long connectTimeoutSeconds, long idleTimeoutSeconds, long totalTimeoutSeconds,
                           long maxBinaryBytes, String extraCaCertificate) {
        static final Download DEFAULT = new Download((Long) null, null, null, null, null);

        @JsonCreator
        public Download(@JsonProperty("connectTimeoutSeconds") Long connectTimeoutSeconds,
                        @JsonProperty("idleTimeoutSeconds") Long idleTimeoutSeconds,
                        @JsonProperty("totalTimeoutSeconds") Long totalTimeoutSeconds,
                        @JsonProperty("maxBinaryBytes") Long maxBinaryBytes,
                        @JsonProperty("extraCaCertificate") String extraCaCertificate) {
            this(connectTimeoutSeconds == null ? 10 : connectTimeoutSeconds,
                    idleTimeoutSeconds == null ? 60 : idleTimeoutSeconds,
                    totalTimeoutSeconds == null ? 300 : totalTimeoutSeconds,
                    maxBinaryBytes == null ? 512L * 1024 * 1024 : maxBinaryBytes,
                    extraCaCertificate);
        }

        public Download withExtraCaCertificate(String path) {
            return new Download(connectTimeoutSeconds, idleTimeoutSeconds, totalTimeoutSeconds, maxBinaryBytes, path);
        }
    }

    /**
     * Connections to the helper's endpoints (docs/protocol.md §2.1). Each endpoint holds at most
     * 256, of which 32 only root and the helper's own user may use.
     *
     * @param idleTimeoutSeconds a connection that sends nothing for this long is closed, unless it
     *                           is subscribed (app) or owns the session (extension)
     * @param maxPerUser         connections one user other than root and the helper's may hold per endpoint
     */
    public record Connections(long idleTimeoutSeconds, int maxPerUser) {
        static final Connections DEFAULT = new Connections((Long) null, null);

        @JsonCreator
        public Connections(@JsonProperty("idleTimeoutSeconds") Long idleTimeoutSeconds,
                           @JsonProperty("maxPerUser") Integer maxPerUser) {
            this(idleTimeoutSeconds == null ? 60 : idleTimeoutSeconds, maxPerUser == null ? 32 : maxPerUser);
        }
    }

    /** Timeouts for the tunnel child and its protocol. */
    public record Tunnel(long handshakeTimeoutMillis, long startTimeoutMillis, long stopTimeoutMillis,
                        long killGraceMillis, long rpcTimeoutMillis, long networkSettingsTimeoutMillis) {
        static final Tunnel DEFAULT = new Tunnel((Long) null, null, null, null, null, null);

        @JsonCreator
        public Tunnel(@JsonProperty("handshakeTimeoutMillis") Long handshakeTimeoutMillis,
                      @JsonProperty("startTimeoutMillis") Long startTimeoutMillis,
                      @JsonProperty("stopTimeoutMillis") Long stopTimeoutMillis,
                      @JsonProperty("killGraceMillis") Long killGraceMillis,
                      @JsonProperty("rpcTimeoutMillis") Long rpcTimeoutMillis,
                      @JsonProperty("networkSettingsTimeoutMillis") Long networkSettingsTimeoutMillis) {
            this(handshakeTimeoutMillis == null ? 10_000 : handshakeTimeoutMillis,
                    startTimeoutMillis == null ? 60_000 : startTimeoutMillis,
                    stopTimeoutMillis == null ? 10_000 : stopTimeoutMillis,
                    killGraceMillis == null ? 5_000 : killGraceMillis,
                    rpcTimeoutMillis == null ? 10_000 : rpcTimeoutMillis,
                    networkSettingsTimeoutMillis == null ? 30_000 : networkSettingsTimeoutMillis);
        }
    }

    /**
     * The XPC carrier (macOS): the two team-prefixed Mach services the daemon's launchd plist
     * declares, and the code-signing requirement each accepted peer must satisfy. Every key is
     * optional when the {@code macos} section is present, which derives them ({@link #effectiveXpc});
     * a service name given here must then equal the derived one, or the plist made from the same
     * config would declare other names. Neither section means Unix sockets; XPC is only used on
     * macOS (docs/protocol.md §3).
     */
    public record Xpc(String appServiceName, String extensionServiceName, String appRequirement, String extensionRequirement) {

        @JsonCreator
        public Xpc(@JsonProperty("appServiceName") String appServiceName,
                   @JsonProperty("extensionServiceName") String extensionServiceName,
                   @JsonProperty("appRequirement") String appRequirement,
                   @JsonProperty("extensionRequirement") String extensionRequirement) {
            this.appServiceName = appServiceName;
            this.extensionServiceName = extensionServiceName;
            this.appRequirement = appRequirement;
            this.extensionRequirement = extensionRequirement;
        }
    }
}
