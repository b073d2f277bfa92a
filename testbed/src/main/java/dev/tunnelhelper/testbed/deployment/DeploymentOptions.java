package dev.tunnelhelper.testbed.deployment;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a {@link DeploymentServer} is started with. The fixed part (address, directory, binary,
 * version, TLS) cannot change while it runs; {@link #behaviour()} is only the initial behaviour.
 *
 * @param host      address to bind; the server listens on nothing else
 * @param port      port to bind; 0 picks a free one
 * @param dir       deployment directory: signing key, TLS material
 * @param binary    the host platform's binary
 * @param version   the version the binary reports, and build info's version unless overridden
 * @param tls       serve HTTPS with a certificate from the testbed's own CA
 * @param behaviour initial serving behaviour
 */
public record DeploymentOptions(
        String host, int port, Path dir, BinarySource binary, String version, boolean tls, ServingBehaviour behaviour) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final String DEFAULT_VERSION = "v2.24.3+testbed";

    public DeploymentOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(binary, "binary");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(behaviour, "behaviour");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (version.isBlank()) {
            throw new IllegalArgumentException("version must not be blank");
        }
    }

    public static Builder builder(Path dir, BinarySource binary) {
        return new Builder(dir, binary);
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private final Path dir;
        private final BinarySource binary;
        private String version = DEFAULT_VERSION;
        private boolean tls;
        private ServingBehaviour behaviour = ServingBehaviour.DEFAULT;

        private Builder(Path dir, BinarySource binary) {
            this.dir = dir;
            this.binary = binary;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder version(String version) {
            this.version = version;
            return this;
        }

        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        public Builder behaviour(ServingBehaviour behaviour) {
            this.behaviour = behaviour;
            return this;
        }

        public DeploymentOptions build() {
            return new DeploymentOptions(host, port, dir, binary, version, tls, behaviour);
        }
    }
}
