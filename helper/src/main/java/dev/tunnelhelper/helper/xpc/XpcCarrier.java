package dev.tunnelhelper.helper.xpc;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.endpoint.EndpointCarrier;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.shim.NativePlatform;
import java.util.Objects;

/** The XPC carrier: each endpoint on its team-prefixed Mach service, with its peer requirement. */
public final class XpcCarrier implements EndpointCarrier {
    private final HelperConfig.Xpc settings;

    public XpcCarrier(HelperConfig.Xpc settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Whether the helper should use XPC: only on macOS, and only when the config names the Mach
     * services (its {@code macos} or {@code xpc} section, {@link HelperConfig#effectiveXpc}).
     * Everywhere else, and on macOS without either section, Unix sockets are used.
     */
    public static boolean selected(NativePlatform platform, HelperConfig config) {
        return platform.isMac() && config.effectiveXpc().isPresent();
    }

    @Override
    public <S extends MessageLite, R> EndpointListener listen(EndpointSpec<S, R> spec) {
        boolean app = spec.kind() == Endpoints.Kind.APP;
        XpcEndpointServer<S, R> server = new XpcEndpointServer<>(
                spec,
                app ? settings.appServiceName() : settings.extensionServiceName(),
                app ? settings.appRequirement() : settings.extensionRequirement());
        server.start();
        return server;
    }

    @Override
    public String describe() {
        return "xpc services " + settings.appServiceName() + " and " + settings.extensionServiceName();
    }
}
