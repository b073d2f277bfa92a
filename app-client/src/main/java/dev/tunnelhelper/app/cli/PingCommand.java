package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.HelperClient;
import dev.tunnelhelper.protocol.helper.Pong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ping", description = "Check that the helper answers.")
final class PingCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        try (HelperClient client = connection.connect()) {
            Pong pong = client.ping();
            long ms = (System.nanoTime() - started) / 1_000_000;
            System.out.println("pong from tunnel helper " + pong.getHelperVersion() + " at " + connection.appSocket() + " (" + ms + " ms)");
        }
        return ExitCodes.OK;
    }
}
