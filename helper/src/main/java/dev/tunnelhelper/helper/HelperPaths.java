package dev.tunnelhelper.helper;

import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.protocol.endpoint.EndpointSockets;
import java.nio.file.Path;

/**
 * Where things live. With {@code --state-dir D} everything is under D (docs/operations.md):
 * config {@code D/helper.json}, sockets {@code D/run/}, binaries {@code D/bin/}, logs {@code D/log/}.
 */
public record HelperPaths(Path config, Path socketDirectory, Path binaryDirectory, Path logDirectory) {
    public static HelperPaths underStateDir(Path stateDir) {
        Path d = stateDir.toAbsolutePath().normalize();
        return new HelperPaths(
                d.resolve("helper.json"), EndpointSockets.directory(d), d.resolve("bin"), d.resolve("log"));
    }

    public static HelperPaths fromConfig(Path configFile, HelperConfig config) {
        return new HelperPaths(
                configFile,
                Path.of(config.socketDirectory()),
                Path.of(config.binaryDirectory()),
                Path.of(config.logDirectory()));
    }

    public Path appSocket() {
        return socketDirectory.resolve(EndpointSockets.APP);
    }

    public Path extensionSocket() {
        return socketDirectory.resolve(EndpointSockets.EXTENSION);
    }
}
