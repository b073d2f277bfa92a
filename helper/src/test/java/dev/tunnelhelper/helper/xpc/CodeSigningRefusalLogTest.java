package dev.tunnelhelper.helper.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.tunnelhelper.helper.endpoint.ConnectionLimits;
import dev.tunnelhelper.helper.endpoint.EndpointSpec;
import dev.tunnelhelper.helper.endpoint.PeerAdmission;
import dev.tunnelhelper.helper.endpoint.PeerConnection;
import dev.tunnelhelper.protocol.Channel;
import dev.tunnelhelper.protocol.Incoming;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import dev.tunnelhelper.protocol.helper.StopDaemon;
import dev.tunnelhelper.shim.Capability;
import dev.tunnelhelper.shim.testing.RequiresCapability;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A peer that fails the endpoint's code-signing requirement is refused by XPC itself, before any
 * message reaches the helper; the helper still logs it at WARN, as a Unix-socket refusal, with
 * the peer's euid and pid. This JVM is signed by its vendor (macOS runners) or by a test team
 * (the simulator run, helper/pom.xml), never by team ABCDE12345, so it does not satisfy the requirement.
 */
@RequiresCapability({Capability.XPC, Capability.CODE_SIGNATURE})
class CodeSigningRefusalLogTest {
    private static final String TEAM_REQUIREMENT =
            "anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\"";

    @Test
    void aPeerRefusedForItsSignatureIsAWarningWithEuidAndPid() throws Exception {
        CompletableFuture<ILoggingEvent> refusal = new CompletableFuture<>();
        CompletableFuture<ExtensionMessage> delivered = new CompletableFuture<>();
        AppenderBase<ILoggingEvent> watch = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getMessage().equals("refused peer")) {
                    refusal.complete(event);
                }
            }
        };
        Logger admissionLog = (Logger) LoggerFactory.getLogger(PeerAdmission.class);
        watch.setContext(admissionLog.getLoggerContext());
        watch.start();
        admissionLog.addAppender(watch);
        EndpointSpec<HelperExtensionMessage, ExtensionMessage> spec = new EndpointSpec<>(
                "network-extension",
                Endpoints.Kind.EXTENSION,
                ExtensionMessage.parser(),
                Endpoints.HELPER_EXTENSION,
                e -> HelperExtensionMessage.newBuilder().setError(e).build(),
                peer -> Optional.empty(),
                who -> new PeerConnection<>() {
                    @Override
                    public void onMessage(Incoming<HelperExtensionMessage, ExtensionMessage> incoming) {
                        delivered.complete(incoming.message());
                    }

                    @Override
                    public void attached(Speaker<HelperExtensionMessage, ExtensionMessage> speaker) {}

                    @Override
                    public void closed(Throwable cause) {}
                },
                ConnectionLimits.of(ConnectionLimits.IDLE_TIMEOUT, ConnectionLimits.PER_UID, ownUid()));
        XpcEndpointServer<HelperExtensionMessage, ExtensionMessage> server =
                new XpcEndpointServer<>(spec, "anonymous", TEAM_REQUIREMENT);
        server.startAnonymous();
        try (Channel<ExtensionMessage, HelperExtensionMessage> client =
                XpcChannel.connect(server.listener(), HelperExtensionMessage.parser())) {
            client.send(
                    ExtensionMessage.newBuilder()
                            .setStopDaemon(StopDaemon.getDefaultInstance())
                            .build(),
                    List.of());
            ILoggingEvent event = refusal.get(30, TimeUnit.SECONDS);
            Map<String, Object> fields =
                    event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));
            assertEquals(ch.qos.logback.classic.Level.WARN, event.getLevel());
            assertEquals(ownUid(), fields.get("uid"), "the peer's euid");
            assertEquals(ProcessHandle.current().pid(), fields.get("pid"));
            assertEquals("code-signing requirement not satisfied: " + TEAM_REQUIREMENT, fields.get("reason"));
            assertEquals("network-extension", fields.get("endpoint"));
            assertFalse(
                    delivered.isDone(), "the refused peer's message reached the endpoint: " + delivered.getNow(null));
        } finally {
            server.close();
            admissionLog.detachAppender(watch);
        }
    }

    private static long ownUid() {
        return new com.sun.security.auth.module.UnixSystem().getUid();
    }
}
