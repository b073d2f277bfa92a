package dev.tunnelhelper.helper.endpoint;

import com.google.protobuf.MessageLite;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;

/**
 * The Unix-socket carrier: the app socket is rw-rw---- with the configured group (the policy
 * still decides who may talk), the extension socket rw------- (root only).
 */
public final class UnixSocketCarrier implements EndpointCarrier {
    private final Path appSocket;
    private final Path extensionSocket;
    private final GroupPrincipal appGroup;

    /** @param appGroup the app socket file's group, or null to keep the default */
    public UnixSocketCarrier(Path appSocket, Path extensionSocket, GroupPrincipal appGroup) {
        this.appSocket = appSocket;
        this.extensionSocket = extensionSocket;
        this.appGroup = appGroup;
    }

    @Override
    public <S extends MessageLite, R> EndpointListener listen(EndpointSpec<S, R> spec) throws IOException {
        boolean app = spec.kind() == Endpoints.Kind.APP;
        UnixEndpointServer<S, R> server = new UnixEndpointServer<>(spec, app ? appSocket : extensionSocket);
        server.start(app ? "rw-rw----" : "rw-------", app ? appGroup : null);
        return server;
    }

    @Override
    public String describe() {
        return "unix sockets " + appSocket + " and " + extensionSocket;
    }
}
