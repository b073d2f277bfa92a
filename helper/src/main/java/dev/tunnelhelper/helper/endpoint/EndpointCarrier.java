package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import java.io.IOException;

/**
 * How the helper's two endpoints are reached: Unix sockets everywhere, or XPC Mach services on
 * macOS. The daemon picks one at start-up; everything past {@link #listen} (access policy,
 * speakers, connection handlers) is shared, so the endpoint code never knows which it has.
 */
public interface EndpointCarrier {

    /** Starts accepting peers for {@code spec} at this carrier's address for {@code spec.kind()}. */
    <S extends MessageLite, R> EndpointListener listen(EndpointSpec<S, R> spec) throws IOException;

    /** For the start-up log line, e.g. {@code unix sockets in /run/tunnel-helper}. */
    String describe();
}
