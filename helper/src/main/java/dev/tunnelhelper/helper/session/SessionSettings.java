package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.protocol.Handshake;
import java.time.Duration;
import java.util.Objects;

/**
 * What the session needs from the configuration; the defaults here are the config file's
 * ({@code tunnel.*}, docs/operations.md).
 *
 * @param handshakeTimeout the tunnel's handshake line must arrive within this
 * @param startTimeout     {@code StartResponse} must arrive within this (settings relay included)
 * @param stopTimeout      {@code StopResponse} must arrive within this
 * @param killGrace        after SIGTERM, SIGKILL follows this much later; also how long a tunnel
 *                         that answered the stop, or closed its pipe, may take to exit
 * @param rpcTimeout       {@code GetPeerUpdate} and {@code WakeRequest} answers must arrive within this
 */
public record SessionSettings(
        Duration handshakeTimeout,
        Duration startTimeout,
        Duration stopTimeout,
        Duration killGrace,
        Duration rpcTimeout,
        String helperVersion,
        String deviceId,
        String deviceOs) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Handshake.DEFAULT_TIMEOUT;
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(10);

    public SessionSettings {
        for (Duration d : new Duration[] {handshakeTimeout, startTimeout, stopTimeout, killGrace, rpcTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("session timeouts must be positive");
            }
        }
        Objects.requireNonNull(helperVersion, "helperVersion");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(deviceOs, "deviceOs");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts from the defaults, an empty device id and OS, and helper version "unknown". */
    public static final class Builder {
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Duration killGrace = DEFAULT_KILL_GRACE;
        private Duration rpcTimeout = DEFAULT_RPC_TIMEOUT;
        private String helperVersion = "unknown";
        private String deviceId = "";
        private String deviceOs = "";

        private Builder() {}

        public Builder handshakeTimeout(Duration d) {
            handshakeTimeout = d;
            return this;
        }

        public Builder startTimeout(Duration d) {
            startTimeout = d;
            return this;
        }

        public Builder stopTimeout(Duration d) {
            stopTimeout = d;
            return this;
        }

        public Builder killGrace(Duration d) {
            killGrace = d;
            return this;
        }

        public Builder rpcTimeout(Duration d) {
            rpcTimeout = d;
            return this;
        }

        public Builder helperVersion(String v) {
            helperVersion = v;
            return this;
        }

        public Builder deviceId(String id) {
            deviceId = id;
            return this;
        }

        public Builder deviceOs(String os) {
            deviceOs = os;
            return this;
        }

        public SessionSettings build() {
            return new SessionSettings(
                    handshakeTimeout,
                    startTimeout,
                    stopTimeout,
                    killGrace,
                    rpcTimeout,
                    helperVersion,
                    deviceId,
                    deviceOs);
        }
    }
}
