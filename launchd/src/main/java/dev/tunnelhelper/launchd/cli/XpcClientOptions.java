package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.shim.xpc.XpcServiceEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --xpc} for the command-line clients (docs/protocol.md §3.3): reach the helper's endpoint
 * on its Mach service instead of its Unix socket. The service names and the code-signing
 * requirement the client sets on the helper come from the same place as the helper's own and its
 * launchd plist's: the {@code macos} section of {@code --config} (or {@code --team-id} and
 * {@code --bundle-id}), through {@link LaunchdSettings}, the one derivation that {@code
 * tunnel-helper config show --json} and {@code tunnel-helper plist} also use. {@code --service}
 * overrides the name only; the requirement stays the team's.
 */
public final class XpcClientOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(
            names = "--xpc",
            description = "Reach the helper over XPC (macOS; on Linux only with the libxpc simulator,"
                    + " TUNNELHELPER_SHIM_VARIANT=xpcsim) at the Mach service its --config derives, requiring"
                    + " the helper to be signed by the config's team.")
    boolean xpc;

    @Option(
            names = "--service",
            paramLabel = "NAME",
            description = "With --xpc: this Mach service instead of <teamId>.<bundleId>.HelperApp/.HelperNE.")
    String service;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    /**
     * The endpoint of {@code kind}: over XPC with {@code --xpc}, else the Unix socket. XPC options
     * without {@code --xpc} are a usage error rather than silently ignored.
     */
    public HelperEndpoint endpoint(Endpoints.Kind kind, Supplier<Path> unixSocket) throws IOException {
        if (!xpc) {
            if (service != null
                    || settings.config != null
                    || settings.identity.settings().isPresent()) {
                throw new ParameterException(
                        mixee.commandLine(),
                        "--service, --config, --team-id, --bundle-id and --label only go with --xpc");
            }
            return HelperEndpoint.unixSocket(unixSocket.get());
        }
        LaunchdSettings macos = settings.resolve();
        String name = service != null
                ? service
                : kind == Endpoints.Kind.APP ? macos.appServiceName() : macos.extensionServiceName();
        return new XpcServiceEndpoint(name, macos.teamRequirement());
    }
}
