package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import java.util.Optional;
import java.util.function.Function;

/** The app endpoint as the admission pipeline's tests use it: its real messages, the test's policy, connections and limits. */
final class AppEndpointSpecs {
    /** For tests in which no peer may be served. */
    static final PeerConnectionFactory<HelperAppMessage, AppMessage> NEVER_SERVED = who -> {
        throw new AssertionError("nobody is served in this test, yet " + who + " was");
    };

    private AppEndpointSpecs() {}

    static EndpointSpec<HelperAppMessage, AppMessage> app(
            Function<PeerIdentity, Optional<String>> policy,
            PeerConnectionFactory<HelperAppMessage, AppMessage> factory,
            ConnectionLimits limits) {
        return new EndpointSpec<>(
                "app",
                Endpoints.Kind.APP,
                AppMessage.parser(),
                Endpoints.HELPER_APP,
                e -> HelperAppMessage.newBuilder().setError(e).build(),
                policy,
                factory,
                limits);
    }
}
