package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.app.JsonDocuments;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.protocol.helper.HelperStatus;
import picocli.CommandLine.Model.CommandSpec;

final class StatusCommand extends HelperCommand {
    static CommandSpec spec() {
        return new StatusCommand().declare("status", "Show the helper's session state.");
    }

    @Override
    public Integer call() throws Exception {
        try (HelperClient client = connect()) {
            HelperStatus status = client.status();
            System.out.println(
                    json.json()
                            ? JsonDocuments.MAPPER.writeValueAsString(JsonDocuments.status(status))
                            : StatusText.render(status));
        }
        return ExitCodes.OK;
    }
}
