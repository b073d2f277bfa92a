package dev.tunnelhelper.helper.xpc;

import dev.tunnelhelper.helper.contract.CarrierContract;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import org.junit.jupiter.api.BeforeAll;

/**
 * The carrier contract over XPC: an anonymous listener and a client through its endpoint, both
 * in this process, since a test cannot register a Mach service without launchd. Runs wherever
 * the shim has XPC and code signatures: on the macOS runners (.github/workflows/macos.yml) on
 * real libxpc, and in {@code ./mvnw verify} on Linux against the libxpc simulator, whose run
 * uses a JVM signed by a test team (helper/pom.xml, profile {@code xpc-simulator}).
 */
@RequiresCapability({Capability.XPC, Capability.CODE_SIGNATURE})
class XpcCarrierContractTest extends CarrierContract {
    /** A requirement this JVM's own code satisfies, so the server still sets one on every peer. */
    private static String requirement;

    @BeforeAll
    static void requirementForThisProcess() {
        requirement = OwnCodeRequirement.of();
    }

    @Override
    protected EndpointListener start(EndpointSpec<HelperExtensionMessage, ExtensionMessage> spec) {
        XpcEndpointServer<HelperExtensionMessage, ExtensionMessage> server =
                new XpcEndpointServer<>(spec, "anonymous", requirement);
        server.startAnonymous();
        return server;
    }

    @Override
    protected Channel<ExtensionMessage, HelperExtensionMessage> connect(EndpointListener listener) {
        return XpcChannel.connect(((XpcEndpointServer<?, ?>) listener).listener(), HelperExtensionMessage.parser());
    }

    @Override
    protected long ownUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
