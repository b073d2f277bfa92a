package dev.tunnelhelper.helper.xpc;

import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.protocol.helper.Ping;
import dev.tunnelhelper.shim.xpc.XpcChannel;
import java.io.IOException;
import java.time.Duration;

/**
 * A client process in {@link HelperOverSimulatedLaunchdTest}: one {@code ping} on the helper's app
 * endpoint over XPC, through {@link XpcChannel} and a {@link Speaker} as every client speaks it.
 * <pre>AppProbe SERVICE [HELPER_REQUIREMENT]</pre>
 * Prints {@code pid N euid U}, then {@code pong VERSION}, {@code answer CASE MESSAGE} or
 * {@code failed MESSAGE}.
 */
public final class AppProbe {
    private AppProbe() {}

    public static void main(String[] args) {
        String requirement = args.length > 1 ? args[1] : null;
        System.out.println("pid " + ProcessHandle.current().pid() + " euid "
                + new com.sun.security.auth.module.UnixSystem().getUid());
        try (XpcChannel<AppMessage, HelperAppMessage> channel =
                        XpcChannel.connect(args[0], true, requirement, HelperAppMessage.parser());
                Speaker<AppMessage, HelperAppMessage> helper = Speaker.start(
                        "helper",
                        channel,
                        Endpoints.APP,
                        Endpoints.VERSIONS.versions().get(0),
                        incoming -> {})) {
            HelperAppMessage reply = helper.call(
                    AppMessage.newBuilder().setPing(Ping.getDefaultInstance()).build(), Duration.ofSeconds(20));
            System.out.println(
                    reply.hasPong()
                            ? "pong " + reply.getPong().getHelperVersion()
                            : "answer " + reply.getMsgCase() + " "
                                    + reply.getError().getMessage());
        } catch (IOException | RuntimeException e) {
            System.out.println("failed " + e.getMessage());
        }
    }
}
