package dev.tunnelhelper.helper.session;

import dev.tunnelhelper.helper.tunnel.TunnelProcess;
import dev.tunnelhelper.protocol.vpn.StartRequest;

/** The {@code StartRequest} a start sends the tunnel: the only place the API token leaves the helper. */
final class StartRequests {
    private final SessionSettings settings;

    StartRequests(SessionSettings settings) {
        this.settings = settings;
    }

    StartRequest of(StartParameters params) {
        StartRequest.Builder b = StartRequest.newBuilder()
                .setTunnelFileDescriptor(TunnelProcess.CHILD_TUN_FD)
                .setCoderUrl(params.accessUrl())
                .setApiToken(params.token())
                .setDeviceId(params.deviceId().isEmpty() ? settings.deviceId() : params.deviceId())
                .setDeviceOs(params.deviceOs().isEmpty() ? settings.deviceOs() : params.deviceOs())
                .setCoderDesktopVersion(settings.helperVersion());
        params.headers()
                .forEach(h -> b.addHeaders(
                        StartRequest.Header.newBuilder().setName(h.name()).setValue(h.value())));
        return b.build();
    }
}
