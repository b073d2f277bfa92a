package dev.tunnelhelper.netext.cli;

import dev.tunnelhelper.cli.DurationConverter;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.SocketOptions;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.launchd.cli.XpcClientOptions;
import dev.tunnelhelper.netext.StartFlags;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "start",
        description = {
            "Open a TUN device, hand it to the helper (StartDaemon), apply the network settings the tunnel asks for,",
            "and stay in the foreground until 'netext-bridge stop', Ctrl-C/SIGTERM (which stop the session), or the tunnel ends.",
            "Everything applied is removed on exit."
        })
final class StartCommand implements Callable<Integer> {
    @Mixin
    StateDirOption stateDir;

    @Mixin
    SocketOptions socket;

    @Mixin
    XpcClientOptions xpc;

    @Option(names = "--url", required = true, paramLabel = "U", description = "The deployment's access URL.")
    String url;

    @Option(
            names = "--token-file",
            required = true,
            paramLabel = "F",
            description =
                    "File holding the API token, or '-' for stdin. Never pass the token itself on the command line.")
    String tokenFile;

    @Option(
            names = "--header",
            paramLabel = "NAME=VALUE",
            converter = HeaderConverter.class,
            description = "Literal header for every request the helper makes and for the tunnel. Repeatable.")
    List<StartRequest.Header> headers = new ArrayList<>();

    @Option(names = "--tun", paramLabel = "NAME", description = "TUN device name (default: the kernel picks tunN).")
    String tunName;

    @Option(
            names = "--dangerously-disable-signature-validation",
            description = "Ask the helper to run the binary unverified (only honoured if its config allows it).")
    boolean disableSignatureValidation;

    @Option(
            names = "--start-timeout",
            paramLabel = "DURATION",
            defaultValue = "120s",
            converter = DurationConverter.class,
            description =
                    "How long the start may take: download, verification, tunnel start (default: ${DEFAULT-VALUE}).")
    Duration startTimeout;

    @Option(
            names = "--stop-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "On Ctrl-C/SIGTERM, how long to wait for the helper's stop reply (default: ${DEFAULT-VALUE}).")
    Duration stopTimeout;

    @Override
    public Integer call() throws Exception {
        String token;
        try {
            token = TokenSource.read(tokenFile, System.in);
        } catch (IOException e) {
            System.err.println("netext-bridge: cannot read the token: " + e.getMessage());
            return ExitCodes.LOCAL_FAILURE;
        }
        BridgeSession session = new BridgeSession(
                xpc.endpoint(Endpoints.Kind.EXTENSION, () -> socket.extensionSocket(stateDir)),
                socket.timeout(),
                startTimeout,
                stopTimeout);
        return session.run(url, token, headers, tunName, new StartFlags(disableSignatureValidation, "", ""));
    }
}
