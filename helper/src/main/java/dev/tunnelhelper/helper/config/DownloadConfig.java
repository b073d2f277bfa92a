package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import java.nio.file.Path;
import java.time.Duration;

/** The config's {@code download} section; the defaults are the acquirer's ({@link AcquisitionConfig}). */
public record DownloadConfig(
        long connectTimeoutSeconds,
        long idleTimeoutSeconds,
        long totalTimeoutSeconds,
        long maxBinaryBytes,
        String extraCaCertificate) {

    public static final DownloadConfig DEFAULT = builder().build();

    @JsonCreator
    DownloadConfig(
            @JsonProperty("connectTimeoutSeconds") Long connectTimeoutSeconds,
            @JsonProperty("idleTimeoutSeconds") Long idleTimeoutSeconds,
            @JsonProperty("totalTimeoutSeconds") Long totalTimeoutSeconds,
            @JsonProperty("maxBinaryBytes") Long maxBinaryBytes,
            @JsonProperty("extraCaCertificate") String extraCaCertificate) {
        this(
                connectTimeoutSeconds == null
                        ? AcquisitionConfig.DEFAULT_CONNECT_TIMEOUT.toSeconds()
                        : connectTimeoutSeconds,
                idleTimeoutSeconds == null ? AcquisitionConfig.DEFAULT_IDLE_TIMEOUT.toSeconds() : idleTimeoutSeconds,
                totalTimeoutSeconds == null ? AcquisitionConfig.DEFAULT_TOTAL_TIMEOUT.toSeconds() : totalTimeoutSeconds,
                maxBinaryBytes == null ? AcquisitionConfig.DEFAULT_MAX_BINARY_BYTES : maxBinaryBytes,
                extraCaCertificate);
    }

    /** How the acquirer is configured from this section, for binaries in {@code acquisition}'s directory. */
    public AcquisitionConfig.Builder applyTo(AcquisitionConfig.Builder acquisition) {
        acquisition
                .connectTimeout(Duration.ofSeconds(connectTimeoutSeconds))
                .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                .totalTimeout(Duration.ofSeconds(totalTimeoutSeconds))
                .maxBinaryBytes(maxBinaryBytes);
        if (extraCaCertificate != null) {
            acquisition.extraCaCertificate(Path.of(extraCaCertificate));
        }
        return acquisition;
    }

    public Builder toBuilder() {
        return new Builder()
                .connectTimeoutSeconds(connectTimeoutSeconds)
                .idleTimeoutSeconds(idleTimeoutSeconds)
                .totalTimeoutSeconds(totalTimeoutSeconds)
                .maxBinaryBytes(maxBinaryBytes)
                .extraCaCertificate(extraCaCertificate);
    }

    /** Starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Long connect;
        private Long idle;
        private Long total;
        private Long maxBytes;
        private String extraCa;

        private Builder() {}

        public Builder connectTimeoutSeconds(long seconds) {
            connect = seconds;
            return this;
        }

        public Builder idleTimeoutSeconds(long seconds) {
            idle = seconds;
            return this;
        }

        public Builder totalTimeoutSeconds(long seconds) {
            total = seconds;
            return this;
        }

        public Builder maxBinaryBytes(long bytes) {
            maxBytes = bytes;
            return this;
        }

        /** An absolute path to PEM CA certificate(s), or null for none. */
        public Builder extraCaCertificate(String path) {
            extraCa = path;
            return this;
        }

        public DownloadConfig build() {
            return new DownloadConfig(connect, idle, total, maxBytes, extraCa);
        }
    }
}
