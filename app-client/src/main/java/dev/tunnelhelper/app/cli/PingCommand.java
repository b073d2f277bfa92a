package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.protocol.helper.Pong;
import picocli.CommandLine.Command;

@Command(name = "ping", description = "Check that the helper answers; print its version and the round trip.")
final class PingCommand extends HelperCommand {
    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        try (HelperClient client = connect()) {
            Pong pong = client.ping();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (json.json()) {
                System.out.println(JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.MAPPER
                        .createObjectNode()
                        .put("helper_version", pong.getHelperVersion())
                        .put("socket", appSocket().toString())
                        .put("round_trip_ms", ms)));
            } else {
                System.out.println("pong from tunnel helper " + pong.getHelperVersion() + " at " + appSocket() + " ("
                        + ms + " ms)");
            }
        }
        return ExitCodes.OK;
    }
}
