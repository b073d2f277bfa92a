package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.protocol.helper.Pong;
import dev.tunnelhelper.shim.xpc.XpcServiceEndpoint;
import picocli.CommandLine.Model.CommandSpec;

final class PingCommand extends HelperCommand {
    static CommandSpec spec() {
        return new PingCommand()
                .declare("ping", "Check that the helper answers; print its version and the round trip.");
    }

    @Override
    public Integer call() throws Exception {
        HelperEndpoint endpoint = appEndpoint();
        long started = System.nanoTime();
        try (HelperClient client = HelperClient.connect(endpoint, socket.timeout())) {
            Pong pong = client.ping();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (json.json()) {
                System.out.println(JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.MAPPER
                        .createObjectNode()
                        .put("helper_version", pong.getHelperVersion())
                        .put(
                                endpoint instanceof XpcServiceEndpoint ? "xpc_service" : "socket",
                                endpoint instanceof XpcServiceEndpoint x ? x.service() : endpoint.describe())
                        .put("round_trip_ms", ms)));
            } else {
                System.out.println("pong from tunnel helper " + pong.getHelperVersion() + " at " + endpoint.describe()
                        + " (" + ms + " ms)");
            }
        }
        return ExitCodes.OK;
    }
}
