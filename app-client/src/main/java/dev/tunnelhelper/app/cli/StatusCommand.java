package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import picocli.CommandLine.Mixin;

@Command(name = "status", description = "Show the helper's session state.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;
    @Mixin
    SocketOptions socket;
    @Mixin
    JsonOption json;


    @Override
    public Integer call() throws Exception {
        try (HelperClient client = HelperClient.connect(socket.appSocket(stateDir), socket.timeout())) {
            HelperStatus status = client.status();
            System.out.println(json.json() ? JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.status(status)) : StatusText.render(status));
        }
        return ExitCodes.OK;
    }
}
