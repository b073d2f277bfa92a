package dev.tunnelhelper.helper.session;

import java.time.Duration;

/** What the session manager needs from the configuration. */
public record SessionSettings(Duration handshakeTimeout, Duration startTimeout, Duration stopTimeout, Duration killGrace,
                              Duration rpcTimeout, String helperVersion, String deviceId, String deviceOs) {}
