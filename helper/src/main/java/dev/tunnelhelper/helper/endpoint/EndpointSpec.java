package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.PeerIdentity;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.Error;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything about one endpoint that does not depend on the carrier: its message set, who may
 * use it and what each accepted peer gets. A {@link EndpointCarrier} adds the address.
 *
 * @param name       for log lines and thread names, e.g. {@code app}
 * @param errorFrame wraps the UNAUTHORIZED error a refused peer is sent before it is dropped
 * @param policy     why a peer is refused, or empty: normally {@link AccessPolicy#refusal}; a
 *                   function so tests running as root can still exercise a refusal
 * @param limits     how many connections, from whom, idle for how long
 */
public record EndpointSpec<S extends MessageLite, R>(
        String name,
        Endpoints.Kind kind,
        Parser<R> parser,
        RpcAccess<S, R> rpc,
        Function<Error, S> errorFrame,
        Function<PeerIdentity, Optional<String>> policy,
        PeerConnectionFactory<S, R> factory,
        ConnectionLimits limits) {}
