package dev.tunnelhelper.app.cli;

import dev.tunnelhelper.app.ReconnectPolicy;
import dev.tunnelhelper.app.Subscription;
import dev.tunnelhelper.cli.DurationConverter;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.ProgrammaticOptions;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Model.CommandSpec;

final class WatchCommand extends HelperCommand {
    private static final String FOR = "--for";
    private static final String NO_RECONNECT = "--no-reconnect";

    private Duration duration;
    private boolean noReconnect;

    static CommandSpec spec() {
        WatchCommand watch = new WatchCommand();
        CommandSpec spec = watch.declare(
                "watch",
                "Stream status changes, start progress and peer updates until Ctrl-C.",
                "Reconnects (with a fresh full state) when the helper restarts.");
        spec.addOption(ProgrammaticOptions.option(
                FOR,
                "DURATION",
                Duration.class,
                new DurationConverter(),
                "Stop by itself after this long (exit 0), e.g. 10s.",
                () -> watch.duration,
                v -> watch.duration = v));
        spec.addOption(ProgrammaticOptions.flag(
                NO_RECONNECT,
                boolean.class,
                "Exit (status 3) when the connection is lost instead of reconnecting.",
                () -> watch.noReconnect,
                v -> watch.noReconnect = v));
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        // Java 17 to 21: no console when stdout is not a terminal, which is all this asks.
        @SuppressWarnings("SystemConsoleNull")
        boolean terminal = System.console() != null;
        WatchPrinter printer = new WatchPrinter(System.out, json.json(), !json.json() && terminal, Clock.systemUTC());
        Subscription subscription = Subscription.open(
                appEndpoint(),
                socket.timeout(),
                printer,
                noReconnect ? ReconnectPolicy.NEVER : ReconnectPolicy.DEFAULT);
        CompletableFuture<Void> interrupted = new CompletableFuture<>();
        // Ctrl-C: close the subscription and end the output cleanly; the JVM then exits (130, as
        // for any program ended by SIGINT) without a stack trace or a half-drawn bar.
        Thread hook = NamedThreads.create("app-client-watch-shutdown", () -> {
            interrupted.complete(null);
            subscription.close();
            printer.finish();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            String endReason = duration == null
                    ? subscription.ended().get()
                    : subscription.ended().get(duration.toMillis(), TimeUnit.MILLISECONDS);
            if (interrupted.isDone()) {
                return ExitCodes.OK;
            }
            printer.finish();
            System.err.println("app-client: subscription ended: " + endReason);
            return ExitCodes.HELPER_UNAVAILABLE;
        } catch (TimeoutException e) {
            subscription.close();
            printer.finish();
            return ExitCodes.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already; it does the cleanup
            }
        }
    }
}
