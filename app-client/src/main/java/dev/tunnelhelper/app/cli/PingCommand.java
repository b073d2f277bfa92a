package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.protocol.helper.Pong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import picocli.CommandLine.Mixin;

@Command(name = "ping", description = "Check that the helper answers; print its version and the round trip.")
final class PingCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;
    @Mixin
    SocketOptions socket;
    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        try (HelperClient client = HelperClient.connect(socket.appSocket(stateDir), socket.timeout())) {
            Pong pong = client.ping();
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (json.json()) {
                System.out.println(JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.MAPPER.createObjectNode()
                        .put("helper_version", pong.getHelperVersion()).put("socket", socket.appSocket(stateDir).toString())
                        .put("round_trip_ms", ms)));
            } else {
                System.out.println("pong from tunnel helper " + pong.getHelperVersion() + " at " + socket.appSocket(stateDir) + " (" + ms + " ms)");
            }
        }
        return ExitCodes.OK;
    }
}
