package dev.tunnelhelper.helper.binary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Binary acquisition settings (from the helper's JSON config and command line).
 *
 * @param binaryDirectory     root-owned directory binaries are stored in and run from
 * @param minimumVersion      lowest deployment version accepted (deployed macOS clients use 2.24.3)
 * @param connectTimeout      TCP/TLS connect limit per request
 * @param idleTimeout         a transfer with no bytes for this long is abandoned
 * @param totalTimeout        limit for one whole request, body included
 * @param probeTimeout        limit for {@code <binary> version --output=json}
 * @param maxBinaryBytes      largest binary accepted, checked against bytes actually received
 * @param extraCaCertificate  PEM CA certificate(s) trusted in addition to the JDK's defaults
 * @param verification        how binaries are verified before they run
 */
public record AcquisitionConfig(
        Path binaryDirectory,
        String minimumVersion,
        Duration connectTimeout,
        Duration idleTimeout,
        Duration totalTimeout,
        Duration probeTimeout,
        long maxBinaryBytes,
        Optional<Path> extraCaCertificate,
        VerificationSettings verification) {

    public static final String DEFAULT_MINIMUM_VERSION = "2.24.3";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_MAX_BINARY_BYTES = 512L * 1024 * 1024;

    public AcquisitionConfig {
        Objects.requireNonNull(binaryDirectory, "binaryDirectory");
        Objects.requireNonNull(extraCaCertificate, "extraCaCertificate");
        Objects.requireNonNull(verification, "verification");
        SemanticVersion.parse(Objects.requireNonNull(minimumVersion, "minimumVersion"));
        for (Duration d : new Duration[] {connectTimeout, idleTimeout, totalTimeout, probeTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
        if (maxBinaryBytes <= 0) {
            throw new IllegalArgumentException("maxBinaryBytes must be positive: " + maxBinaryBytes);
        }
    }

    public AcquisitionConfig withBinaryDirectory(Path directory) {
        return new AcquisitionConfig(
                directory,
                minimumVersion,
                connectTimeout,
                idleTimeout,
                totalTimeout,
                probeTimeout,
                maxBinaryBytes,
                extraCaCertificate,
                verification);
    }

    public static Builder builder(Path binaryDirectory, VerificationSettings verification) {
        return new Builder(binaryDirectory, verification);
    }

    public static final class Builder {
        private final Path binaryDirectory;
        private final VerificationSettings verification;
        private String minimumVersion = DEFAULT_MINIMUM_VERSION;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;
        private Duration probeTimeout = DEFAULT_PROBE_TIMEOUT;
        private long maxBinaryBytes = DEFAULT_MAX_BINARY_BYTES;
        private Path extraCaCertificate;

        private Builder(Path binaryDirectory, VerificationSettings verification) {
            this.binaryDirectory = binaryDirectory;
            this.verification = verification;
        }

        public Builder minimumVersion(String v) {
            this.minimumVersion = v;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = d;
            return this;
        }

        public Builder totalTimeout(Duration d) {
            this.totalTimeout = d;
            return this;
        }

        public Builder probeTimeout(Duration d) {
            this.probeTimeout = d;
            return this;
        }

        public Builder maxBinaryBytes(long bytes) {
            this.maxBinaryBytes = bytes;
            return this;
        }

        public Builder extraCaCertificate(Path pem) {
            this.extraCaCertificate = pem;
            return this;
        }

        public AcquisitionConfig build() {
            return new AcquisitionConfig(
                    binaryDirectory,
                    minimumVersion,
                    connectTimeout,
                    idleTimeout,
                    totalTimeout,
                    probeTimeout,
                    maxBinaryBytes,
                    Optional.ofNullable(extraCaCertificate),
                    verification);
        }
    }
}
