package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.util.Optional;
import java.util.function.Function;

/** The network-extension endpoint as carrier tests use it: its real messages, the test's name, policy, connections and limits. */
public final class ExtensionEndpointSpecs {
    private ExtensionEndpointSpecs() {}

    public static EndpointSpec<HelperExtensionMessage, ExtensionMessage> extension(
            String name,
            Function<PeerIdentity, Optional<String>> policy,
            PeerConnectionFactory<HelperExtensionMessage, ExtensionMessage> factory,
            ConnectionLimits limits) {
        return new EndpointSpec<>(
                name,
                Endpoints.Kind.EXTENSION,
                ExtensionMessage.parser(),
                Endpoints.HELPER_EXTENSION,
                e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                policy,
                factory,
                limits);
    }
}
