package dev.tunnelhelper.helper.xpc;

import dev.tunnelhelper.helper.contract.CarrierContract;
import dev.tunnelhelper.helper.endpoint.EndpointListener;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.CodeSignature;
import dev.tunnelhelper.shim.CodeSignatureResult;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import java.nio.file.Path;
import java.util.Optional;
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
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        CodeSignatureResult own = CodeSignature.check(java, "anchor apple generic");
        String identifier = own.signingIdentifier()
                .orElseThrow(() -> new IllegalStateException(java + " has no signing identifier: " + own.message()));
        requirement = "identifier \"" + identifier + "\"";
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

    /**
     * A known bug, not a property of XPC to accept, flaky here: the peer saw only the end of the
     * connection in 2 of 4 runs against the simulator under load. Likely cause (not yet proven): the
     * helper sends the {@code IDLE_TIMEOUT} error
     * and cancels the connection at once, and an XPC send is asynchronous, so the cancel can
     * overtake it. The fix is to cancel from {@code xpc_connection_send_barrier} (after every
     * message sent before it has gone), which the shim and the simulator do not offer yet.
     */
    @Override
    protected Optional<String> idleTimeoutExplanationNotGuaranteed() {
        return Optional.of("known bug over XPC: the cancel after the IDLE_TIMEOUT error can overtake the"
                + " send until the shim cancels from xpc_connection_send_barrier");
    }

    @Override
    protected long ownUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
