package dev.tunnelhelper.shim.xpc;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.RpcAccess;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.ExtensionMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.HelperExtensionMessage;
import java.time.Duration;
import java.util.Objects;

/**
 * One of the helper's endpoints as a LaunchDaemon's Mach service (docs/protocol.md §3.3): looked up
 * in the system domain, with {@code helperRequirement} set on the connection before it is
 * activated, so nothing from a process that does not satisfy it is ever read. No hello line: the
 * protocol version is {@link Endpoints#VERSIONS}' only one.
 *
 * <p>Connecting is lazy in XPC, so "nobody serves the name" shows on the first call, as
 * {@link XpcHelperUnavailableException}; the timeout bounds the calls, not the connect.
 */
public record XpcServiceEndpoint(String service, String helperRequirement) implements HelperEndpoint {
    public XpcServiceEndpoint {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(helperRequirement, "helperRequirement");
    }

    @Override
    public Speaker<AppMessage, HelperAppMessage> connectApp(
            Duration timeout, Speaker.Handler<AppMessage, HelperAppMessage> handler) {
        return connect(HelperAppMessage.parser(), Endpoints.APP, handler);
    }

    @Override
    public Speaker<ExtensionMessage, HelperExtensionMessage> connectExtension(
            Duration timeout, Speaker.Handler<ExtensionMessage, HelperExtensionMessage> handler) {
        return connect(HelperExtensionMessage.parser(), Endpoints.EXTENSION, handler);
    }

    private <S extends MessageLite, R> Speaker<S, R> connect(
            Parser<R> parser, RpcAccess<S, R> rpc, Speaker.Handler<S, R> handler) {
        XpcChannel<S, R> channel = XpcChannel.connect(service, true, helperRequirement, parser);
        try {
            return Speaker.start(
                    "helper", channel, rpc, Endpoints.VERSIONS.versions().get(0), handler);
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "xpc:" + service;
    }
}
