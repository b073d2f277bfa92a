package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.cli.DurationConverter;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.launchd.cli.XpcClientOptions;
import dev.tunnelhelper.netext.ExtensionClient;
import dev.tunnelhelper.netext.NetworkSettingsApplier;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.helper.Result;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "stop",
        description = {
            "Stop the helper's tunnel session (StopDaemon on a separate connection).",
            "The netext-bridge that started it is told (CancelProvider), removes its settings and exits 0."
        })
final class StopCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    XpcClientOptions xpc;

    @Option(
            names = "--stop-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long to wait for the helper to stop the tunnel (default: ${DEFAULT-VALUE}).")
    java.time.Duration stopTimeout;

    @Override
    public Integer call() throws Exception {
        try (ExtensionClient client = ExtensionClient.connect(
                xpc.endpoint(Endpoints.Kind.EXTENSION, () -> socket.extensionSocket(stateDir)),
                socket.timeout(),
                NetworkSettingsApplier.REFUSE,
                error -> {})) {
            Result r = client.stop(stopTimeout);
            if (!r.getSuccess()) {
                System.err.println("netext-bridge: stop failed: " + r.getErrorMessage());
                return ExitCodes.FAILURE;
            }
            System.out.println("netext-bridge: session stopped");
            return ExitCodes.OK;
        }
    }
}
