package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.helper.binary.SemanticVersion;
import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.protocol.PeerText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads and validates {@link HelperConfig}: unknown keys and bad values are errors naming the key. */
public final class ConfigLoader {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final long MAX_SUBSCRIBER_QUEUE_BYTES = 4L << 30;
    /** A system extension may only reach a daemon's Mach service under its team-id prefix: {@code <TEAMID>.<rest>}. */
    private static final Pattern TEAM_PREFIXED_SERVICE = Pattern.compile("[A-Z0-9]{10}\\.[A-Za-z0-9][A-Za-z0-9.-]*");

    /** Created on first use: without a config file the helper never loads Jackson (about 370 classes). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    private ConfigLoader() {}

    /** Reads {@code file}; a missing file gives the defaults only when {@code optional}. */
    public static HelperConfig load(Path file, boolean optional) throws ConfigException {
        return load(file, optional, null);
    }

    /**
     * Reads {@code file} with its {@code macos} section replaced by {@code macos} (the command
     * line's), before the defaults that depend on it (macOS paths, XPC names) are filled in.
     */
    public static HelperConfig load(Path file, boolean optional, LaunchdSettings macos) throws ConfigException {
        String json;
        try {
            json = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (!optional) {
                throw new ConfigException("config file " + file + " does not exist");
            }
            if (macos == null) {
                // What "{}" parses to, without creating the mapper (docs/performance.md, "Start-up").
                return validated(HelperConfig.defaults(), file.toString());
            }
            json = "{}";
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        if (macos == null) {
            return parse(json, file.toString());
        }
        String source = file + " with the macos section from --team-id/--bundle-id";
        try {
            if (!(Json.MAPPER.readTree(json) instanceof ObjectNode root)) {
                throw new ConfigException(file + ": must hold a JSON object");
            }
            root.set("macos", Json.MAPPER.valueToTree(macos));
            return parse(Json.MAPPER.writeValueAsString(root), source);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    public static HelperConfig parse(String json, String source) throws ConfigException {
        HelperConfig config;
        try {
            config = Json.MAPPER.readValue(json, HelperConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown key \"" + PeerText.of(path(e)) + "\"; known keys here: "
                    + e.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .collect(Collectors.joining(", ")));
        } catch (JsonMappingException e) {
            throw new ConfigException(
                    source + ": bad value at \"" + PeerText.of(path(e)) + "\": " + PeerText.of(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid JSON: " + PeerText.of(e.getOriginalMessage()));
        }
        return validated(config, source);
    }

    private static HelperConfig validated(HelperConfig config, String source) throws ConfigException {
        validate(config, source);
        return config;
    }

    public static void validate(HelperConfig c, String source) throws ConfigException {
        require(
                isSemanticVersion(c.minimumVersion()),
                source,
                "minimumVersion",
                "\"" + PeerText.of(c.minimumVersion()) + "\" is not a version like 2.24.3");
        require(
                c.subscriberQueueDepth() >= 1 && c.subscriberQueueDepth() <= 1_000_000,
                source,
                "subscriberQueueDepth",
                "must be between 1 and 1000000, got " + c.subscriberQueueDepth());
        require(
                c.subscriberQueueBytes() >= 1 && c.subscriberQueueBytes() <= MAX_SUBSCRIBER_QUEUE_BYTES,
                source,
                "subscriberQueueBytes",
                "must be between 1 and " + MAX_SUBSCRIBER_QUEUE_BYTES + " (4 GiB), got " + c.subscriberQueueBytes());
        requireAbsolute(c.socketDirectory(), source, "socketDirectory");
        requireAbsolute(c.binaryDirectory(), source, "binaryDirectory");
        requireAbsolute(c.logDirectory(), source, "logDirectory");
        for (String key : c.verification().ed25519PublicKeys()) {
            require(
                    isAbsolutePath(key),
                    source,
                    "verification.ed25519PublicKeys",
                    "\"" + PeerText.of(key) + "\" is not an absolute path");
        }
        for (String hash : c.verification().pinnedSha256()) {
            require(
                    SHA256.matcher(hash).matches(),
                    source,
                    "verification.pinnedSha256",
                    "\"" + PeerText.of(hash) + "\" is not 64 lowercase hex digits");
        }
        DownloadConfig d = c.download();
        require(d.connectTimeoutSeconds() > 0, source, "download.connectTimeoutSeconds", "must be positive");
        require(d.idleTimeoutSeconds() > 0, source, "download.idleTimeoutSeconds", "must be positive");
        require(d.totalTimeoutSeconds() > 0, source, "download.totalTimeoutSeconds", "must be positive");
        require(d.maxBinaryBytes() > 0, source, "download.maxBinaryBytes", "must be positive");
        if (d.extraCaCertificate() != null) {
            require(
                    isAbsolutePath(d.extraCaCertificate()),
                    source,
                    "download.extraCaCertificate",
                    "must be an absolute path");
        }
        TunnelConfig t = c.tunnel();
        require(t.handshakeTimeoutMillis() > 0, source, "tunnel.handshakeTimeoutMillis", "must be positive");
        require(t.startTimeoutMillis() > 0, source, "tunnel.startTimeoutMillis", "must be positive");
        require(t.stopTimeoutMillis() > 0, source, "tunnel.stopTimeoutMillis", "must be positive");
        require(t.killGraceMillis() > 0, source, "tunnel.killGraceMillis", "must be positive");
        require(t.rpcTimeoutMillis() > 0, source, "tunnel.rpcTimeoutMillis", "must be positive");
        require(
                t.networkSettingsTimeoutMillis() > 0,
                source,
                "tunnel.networkSettingsTimeoutMillis",
                "must be positive");
        require(c.connections().idleTimeoutSeconds() > 0, source, "connections.idleTimeoutSeconds", "must be positive");
        int forOthers = ConnectionLimits.PER_ENDPOINT - ConnectionLimits.RESERVED;
        require(
                c.connections().maxPerUser() >= 1 && c.connections().maxPerUser() <= forOthers,
                source,
                "connections.maxPerUser",
                "must be between 1 and " + forOthers
                        + " (the connections an endpoint has for users other than root), got "
                        + c.connections().maxPerUser());
        for (Long uid : c.appAccess().allowedUids()) {
            require(uid != null && uid >= 0, source, "appAccess.allowedUids", "uids are non-negative numbers");
        }
        if (c.xpc() != null && c.macos() != null) {
            requireDerivedName(c.xpc().appServiceName(), c.macos().appServiceName(), source, "xpc.appServiceName");
            requireDerivedName(
                    c.xpc().extensionServiceName(),
                    c.macos().extensionServiceName(),
                    source,
                    "xpc.extensionServiceName");
        }
        if (c.effectiveXpc().isPresent()) {
            validateXpc(c.effectiveXpc().get(), source);
        }
    }

    /** A name the plist would not declare is a helper that listens on nothing: refuse it here. */
    private static void requireDerivedName(String given, String derived, String source, String key)
            throws ConfigException {
        require(
                given == null || given.equals(derived),
                source,
                key,
                "\"" + given + "\" differs from " + derived
                        + ", the name the plist made from the macos section declares in MachServices; leave it out to derive it");
    }

    private static void validateXpc(HelperConfig.Xpc x, String source) throws ConfigException {
        requireServiceName(x.appServiceName(), source, "xpc.appServiceName");
        requireServiceName(x.extensionServiceName(), source, "xpc.extensionServiceName");
        require(
                !x.appServiceName().equals(x.extensionServiceName()),
                source,
                "xpc.extensionServiceName",
                "must differ from xpc.appServiceName");
        require(
                x.appRequirement() != null && !x.appRequirement().isBlank(),
                source,
                "xpc.appRequirement",
                "must be a non-empty code-signing requirement");
        require(
                x.extensionRequirement() != null && !x.extensionRequirement().isBlank(),
                source,
                "xpc.extensionRequirement",
                "must be a non-empty code-signing requirement");
    }

    private static void requireServiceName(String name, String source, String key) throws ConfigException {
        require(
                name != null && TEAM_PREFIXED_SERVICE.matcher(name).matches(),
                source,
                key,
                (name == null ? "is required:" : "\"" + PeerText.of(name) + "\" is not")
                        + " a team-prefixed Mach service name like ABCDE12345.com.example.helper.HelperApp");
    }

    /** A NUL character makes Path.of throw: that is a bad value like any other, not a crash. */
    private static boolean isAbsolutePath(String text) {
        try {
            return Path.of(text).isAbsolute();
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** Exactly what the binary acquisition will parse it with: a looser check let it fail later, with a stack trace. */
    private static boolean isSemanticVersion(String text) {
        try {
            SemanticVersion.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void requireAbsolute(String dir, String source, String key) throws ConfigException {
        require(isAbsolutePath(dir), source, key, "\"" + PeerText.of(dir) + "\" is not an absolute path");
    }

    private static void require(boolean ok, String source, String key, String problem) throws ConfigException {
        if (!ok) {
            throw new ConfigException(source + ": \"" + key + "\" " + problem);
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }
}
