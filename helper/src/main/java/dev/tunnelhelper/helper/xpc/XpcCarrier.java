package dev.tunnelhelper.helper.xpc;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.endpoint.EndpointCarrier;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.shim.NativePlatform;
import dev.tunnelhelper.shim.NativeShim;
import dev.tunnelhelper.shim.ShimVariant;
import java.util.Objects;

/** The XPC carrier: each endpoint on its team-prefixed Mach service, with its peer requirement. */
public final class XpcCarrier implements EndpointCarrier {
    private final HelperConfig.Xpc settings;

    public XpcCarrier(HelperConfig.Xpc settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Whether the helper should use XPC: only when the config names the Mach services (its
     * {@code macos} or {@code xpc} section, {@link HelperConfig#effectiveXpc}), and only on macOS
     * or on Linux with the libxpc simulator loaded ({@link NativeShim#mayHaveDarwinApis}; a test fixture that
     * nothing in production selects). Everywhere else Unix sockets are used.
     */
    public static boolean selected(NativePlatform platform, HelperConfig config) {
        return config.effectiveXpc().isPresent() && NativeShim.mayHaveDarwinApis(platform);
    }

    /** This JVM asked for the libxpc simulator (docs/native-shim.md §7): its XPC is simulated XPC. */
    public static boolean simulated() {
        return ShimVariant.requested() == ShimVariant.XPC_SIMULATOR;
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
        return (simulated() ? "simulated xpc (libxpc simulator) services " : "xpc services ")
                + settings.appServiceName() + " and " + settings.extensionServiceName();
    }
}
