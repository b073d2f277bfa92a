package dev.tunnelhelper.shim.xpc;

import dev.tunnelhelper.shim.XpcError;
import java.io.IOException;

/**
 * What the end of a client's connection to a named service means (docs/protocol.md §3.3). XPC
 * tells a client only an error kind, and a connection that never heard from the service tells
 * apart "nobody serves the name" ({@code CONNECTION_INVALID}) from "the service dropped us"
 * ({@code CONNECTION_INTERRUPTED}: it refused our code signature, or exited), while
 * {@code PEER_CODE_SIGNING_REQUIREMENT} always means the process serving the name is not the
 * helper we require. Once the service has answered, an invalidation or interruption is just
 * the end of the stream, as end of file is on a Unix socket.
 */
final class ServiceEnding {
    private final String service;
    private final String helperRequirement;
    private volatile boolean heard;

    ServiceEnding(String service, String helperRequirement) {
        this.service = service;
        this.helperRequirement = helperRequirement;
    }

    /** A message from the service arrived (XPC delivers it only if it met our requirement). */
    void heardFromService() {
        heard = true;
    }

    /** The failure to report for an ending of this kind, or null for a clean end of the stream. */
    IOException explain(XpcError.Kind kind) {
        return switch (kind) {
            case PEER_CODE_SIGNING_REQUIREMENT ->
                new XpcHelperUnavailableException(
                        service,
                        "refusing the process that serves " + service + ": it does not satisfy the code-signing"
                                + " requirement set on the helper (" + helperRequirement + "), so it is not the"
                                + " helper; nothing it sent was read");
            case CONNECTION_INVALID ->
                heard
                        ? null
                        : new XpcHelperUnavailableException(
                                service,
                                "no helper serves the Mach service " + service + ": no loaded launchd job declares"
                                        + " it (install the helper: docs/macos.md §5), or the name is wrong");
            case CONNECTION_INTERRUPTED ->
                heard
                        ? null
                        : new XpcHelperUnavailableException(
                                service,
                                "the helper serving " + service + " ended the connection before answering: it"
                                        + " refused this program's code signature (it must satisfy the helper's"
                                        + " requirement, docs/protocol.md §3.2), or it exited; its log says which");
            case OTHER ->
                heard ? null : new XpcHelperUnavailableException(service, "XPC ended the connection to " + service);
        };
    }
}
