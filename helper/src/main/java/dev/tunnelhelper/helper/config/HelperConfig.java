package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tunnelhelper.helper.apps.FanoutLimits;
import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.shim.NativePlatform;
import java.util.List;
import java.util.Optional;

/**
 * The helper's JSON configuration (ARCHITECTURE §6). Every field is optional with a safe
 * default, defined once, by the component it configures; {@link ConfigLoader} rejects unknown
 * keys and validates values at startup. In Java, build one with {@link #builder()}.
 */
public record HelperConfig(
        String socketDirectory,
        String binaryDirectory,
        String logDirectory,
        AppAccess appAccess,
        String minimumVersion,
        VerificationConfig verification,
        DownloadConfig download,
        TunnelConfig tunnel,
        int subscriberQueueDepth,
        long subscriberQueueBytes,
        String deviceId,
        Xpc xpc,
        LaunchdSettings macos,
        Connections connections) {

    @JsonCreator
    HelperConfig(
            @JsonProperty("socketDirectory") String socketDirectory,
            @JsonProperty("binaryDirectory") String binaryDirectory,
            @JsonProperty("logDirectory") String logDirectory,
            @JsonProperty("appAccess") AppAccess appAccess,
            @JsonProperty("minimumVersion") String minimumVersion,
            @JsonProperty("verification") VerificationConfig verification,
            @JsonProperty("download") DownloadConfig download,
            @JsonProperty("tunnel") TunnelConfig tunnel,
            @JsonProperty("subscriberQueueDepth") Integer subscriberQueueDepth,
            @JsonProperty("subscriberQueueBytes") Long subscriberQueueBytes,
            @JsonProperty("deviceId") String deviceId,
            @JsonProperty("xpc") Xpc xpc,
            @JsonProperty("macos") LaunchdSettings macos,
            @JsonProperty("connections") Connections connections) {
        this(
                socketDirectory == null
                        ? DefaultDirectories.of(NativePlatform.current(), macos).sockets()
                        : socketDirectory,
                binaryDirectory == null
                        ? DefaultDirectories.of(NativePlatform.current(), macos).binaries()
                        : binaryDirectory,
                logDirectory == null
                        ? DefaultDirectories.of(NativePlatform.current(), macos).logs()
                        : logDirectory,
                appAccess == null ? AppAccess.DEFAULT : appAccess,
                minimumVersion == null ? AcquisitionConfig.DEFAULT_MINIMUM_VERSION : minimumVersion,
                verification == null ? VerificationConfig.DEFAULT : verification,
                download == null ? DownloadConfig.DEFAULT : download,
                tunnel == null ? TunnelConfig.DEFAULT : tunnel,
                subscriberQueueDepth == null ? FanoutLimits.DEFAULT_MESSAGES : subscriberQueueDepth.intValue(),
                subscriberQueueBytes == null ? FanoutLimits.DEFAULT_BYTES : subscriberQueueBytes.longValue(),
                deviceId,
                xpc,
                macos,
                connections == null ? Connections.DEFAULT : connections);
    }

    public static HelperConfig defaults() {
        return builder().build();
    }

    /** Starts from the defaults. */
    public static Builder builder() {
        return new Builder();
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

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Everything of this configuration, with {@code sockets}, {@code binaries} and {@code logs} as its directories. */
    public HelperConfig withDirectories(String sockets, String binaries, String logs) {
        return toBuilder()
                .socketDirectory(sockets)
                .binaryDirectory(binaries)
                .logDirectory(logs)
                .build();
    }

    /** Each setter names the JSON key it stands for; what is left unset keeps its default. */
    public static final class Builder {
        private String socketDirectory;
        private String binaryDirectory;
        private String logDirectory;
        private AppAccess appAccess;
        private String minimumVersion;
        private VerificationConfig verification;
        private DownloadConfig download;
        private TunnelConfig tunnel;
        private Integer subscriberQueueDepth;
        private Long subscriberQueueBytes;
        private String deviceId;
        private Xpc xpc;
        private LaunchdSettings macos;
        private Connections connections;

        private Builder() {}

        private Builder(HelperConfig c) {
            socketDirectory = c.socketDirectory;
            binaryDirectory = c.binaryDirectory;
            logDirectory = c.logDirectory;
            appAccess = c.appAccess;
            minimumVersion = c.minimumVersion;
            verification = c.verification;
            download = c.download;
            tunnel = c.tunnel;
            subscriberQueueDepth = c.subscriberQueueDepth;
            subscriberQueueBytes = c.subscriberQueueBytes;
            deviceId = c.deviceId;
            xpc = c.xpc;
            macos = c.macos;
            connections = c.connections;
        }

        public Builder socketDirectory(String dir) {
            socketDirectory = dir;
            return this;
        }

        public Builder binaryDirectory(String dir) {
            binaryDirectory = dir;
            return this;
        }

        public Builder logDirectory(String dir) {
            logDirectory = dir;
            return this;
        }

        public Builder appAccess(AppAccess a) {
            appAccess = a;
            return this;
        }

        public Builder minimumVersion(String v) {
            minimumVersion = v;
            return this;
        }

        public Builder verification(VerificationConfig v) {
            verification = v;
            return this;
        }

        public Builder download(DownloadConfig d) {
            download = d;
            return this;
        }

        public Builder tunnel(TunnelConfig t) {
            tunnel = t;
            return this;
        }

        public Builder subscriberQueueDepth(int depth) {
            subscriberQueueDepth = depth;
            return this;
        }

        public Builder subscriberQueueBytes(long bytes) {
            subscriberQueueBytes = bytes;
            return this;
        }

        public Builder deviceId(String id) {
            deviceId = id;
            return this;
        }

        public Builder xpc(Xpc x) {
            xpc = x;
            return this;
        }

        public Builder macos(LaunchdSettings m) {
            macos = m;
            return this;
        }

        public Builder connections(Connections c) {
            connections = c;
            return this;
        }

        public HelperConfig build() {
            return new HelperConfig(
                    socketDirectory,
                    binaryDirectory,
                    logDirectory,
                    appAccess,
                    minimumVersion,
                    verification,
                    download,
                    tunnel,
                    subscriberQueueDepth,
                    subscriberQueueBytes,
                    deviceId,
                    xpc,
                    macos,
                    connections);
        }
    }

    /**
     * Who may use the app endpoint. Root and the helper's own user always may. {@code socketGroup}
     * only decides the socket file's group (mode 0660); being in it grants nothing by itself.
     */
    public record AppAccess(String socketGroup, List<Long> allowedUids, List<String> allowedGroups) {
        static final AppAccess DEFAULT = new AppAccess(null, List.of(), List.of());

        @JsonCreator
        public AppAccess(
                @JsonProperty("socketGroup") String socketGroup,
                @JsonProperty("allowedUids") List<Long> allowedUids,
                @JsonProperty("allowedGroups") List<String> allowedGroups) {
            this.socketGroup = socketGroup;
            this.allowedUids = allowedUids == null ? List.of() : List.copyOf(allowedUids);
            this.allowedGroups = allowedGroups == null ? List.of() : List.copyOf(allowedGroups);
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
        public Connections(
                @JsonProperty("idleTimeoutSeconds") Long idleTimeoutSeconds,
                @JsonProperty("maxPerUser") Integer maxPerUser) {
            this(idleTimeoutSeconds == null ? 60 : idleTimeoutSeconds, maxPerUser == null ? 32 : maxPerUser);
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
    public record Xpc(
            String appServiceName, String extensionServiceName, String appRequirement, String extensionRequirement) {

        @JsonCreator
        public Xpc(
                @JsonProperty("appServiceName") String appServiceName,
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
