package dev.tunnelhelper.helper.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tunnelhelper.helper.session.SessionSettings;
import java.time.Duration;

/**
 * The config's {@code tunnel} section: timeouts for the tunnel child and its protocol. The
 * defaults are the session's ({@link SessionSettings}); only the extension's is defined here.
 *
 * @param networkSettingsTimeoutMillis how long the network extension has to answer the helper's requests
 */
public record TunnelConfig(
        long handshakeTimeoutMillis,
        long startTimeoutMillis,
        long stopTimeoutMillis,
        long killGraceMillis,
        long rpcTimeoutMillis,
        long networkSettingsTimeoutMillis) {

    public static final Duration DEFAULT_NETWORK_SETTINGS_TIMEOUT = Duration.ofSeconds(30);
    public static final TunnelConfig DEFAULT = builder().build();

    @JsonCreator
    TunnelConfig(
            @JsonProperty("handshakeTimeoutMillis") Long handshakeTimeoutMillis,
            @JsonProperty("startTimeoutMillis") Long startTimeoutMillis,
            @JsonProperty("stopTimeoutMillis") Long stopTimeoutMillis,
            @JsonProperty("killGraceMillis") Long killGraceMillis,
            @JsonProperty("rpcTimeoutMillis") Long rpcTimeoutMillis,
            @JsonProperty("networkSettingsTimeoutMillis") Long networkSettingsTimeoutMillis) {
        this(
                or(handshakeTimeoutMillis, SessionSettings.DEFAULT_HANDSHAKE_TIMEOUT),
                or(startTimeoutMillis, SessionSettings.DEFAULT_START_TIMEOUT),
                or(stopTimeoutMillis, SessionSettings.DEFAULT_STOP_TIMEOUT),
                or(killGraceMillis, SessionSettings.DEFAULT_KILL_GRACE),
                or(rpcTimeoutMillis, SessionSettings.DEFAULT_RPC_TIMEOUT),
                or(networkSettingsTimeoutMillis, DEFAULT_NETWORK_SETTINGS_TIMEOUT));
    }

    private static long or(Long millis, Duration fallback) {
        return millis == null ? fallback.toMillis() : millis;
    }

    /** The session's settings these timeouts make, with the rest given by the daemon. */
    public SessionSettings.Builder sessionSettings() {
        return SessionSettings.builder()
                .handshakeTimeout(Duration.ofMillis(handshakeTimeoutMillis))
                .startTimeout(Duration.ofMillis(startTimeoutMillis))
                .stopTimeout(Duration.ofMillis(stopTimeoutMillis))
                .killGrace(Duration.ofMillis(killGraceMillis))
                .rpcTimeout(Duration.ofMillis(rpcTimeoutMillis));
    }

    /** Starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Long handshake;
        private Long start;
        private Long stop;
        private Long killGrace;
        private Long rpc;
        private Long networkSettings;

        private Builder() {}

        public Builder handshakeTimeoutMillis(long millis) {
            handshake = millis;
            return this;
        }

        public Builder startTimeoutMillis(long millis) {
            start = millis;
            return this;
        }

        public Builder stopTimeoutMillis(long millis) {
            stop = millis;
            return this;
        }

        public Builder killGraceMillis(long millis) {
            killGrace = millis;
            return this;
        }

        public Builder rpcTimeoutMillis(long millis) {
            rpc = millis;
            return this;
        }

        public Builder networkSettingsTimeoutMillis(long millis) {
            networkSettings = millis;
            return this;
        }

        public TunnelConfig build() {
            return new TunnelConfig(handshake, start, stop, killGrace, rpc, networkSettings);
        }
    }
}
