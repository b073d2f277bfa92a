package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show the helper's session state.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "--json", description = "One JSON object (schema in docs/operations.md).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (HelperClient client = connection.connect()) {
            HelperStatus status = client.status();
            System.out.println(json ? JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.status(status)) : StatusText.render(status));
        }
        return ExitCodes.OK;
    }
}
