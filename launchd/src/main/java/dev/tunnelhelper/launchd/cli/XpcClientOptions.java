package dev.tunnelhelper.launchd.cli;

import dev.tunnelhelper.cli.ProgrammaticOptions;
import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.protocol.endpoint.Endpoints;
import dev.tunnelhelper.protocol.endpoint.HelperEndpoint;
import dev.tunnelhelper.shim.xpc.XpcServiceEndpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
    private static final String XPC = "--xpc";
    private static final String XPC_DESCRIPTION =
            "Reach the helper over XPC (macOS; on Linux only with the libxpc simulator,"
                    + " TUNNELHELPER_SHIM_VARIANT=xpcsim) at the Mach service its --config derives, requiring"
                    + " the helper to be signed by the config's team.";
    private static final String SERVICE = "--service";
    private static final String SERVICE_LABEL = "NAME";
    private static final String SERVICE_DESCRIPTION =
            "With --xpc: this Mach service instead of <teamId>.<bundleId>.HelperApp/.HelperNE.";

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = XPC, description = XPC_DESCRIPTION)
    boolean xpc;

    @Option(names = SERVICE, paramLabel = SERVICE_LABEL, description = SERVICE_DESCRIPTION)
    String service;

    @Mixin
    SettingsOptions settings = new SettingsOptions();

    /**
     * Declares these options on {@code command} through picocli's programmatic API, as the mixin an
     * annotated command's {@code xpc} field makes of them, for a program that reads no annotations
     * ({@link ProgrammaticOptions}).
     */
    public XpcClientOptions addTo(CommandSpec command) {
        CommandSpec mixin = ProgrammaticOptions.mixin(
                this,
                List.of(
                        ProgrammaticOptions.flag(XPC, boolean.class, XPC_DESCRIPTION, () -> xpc, v -> xpc = v),
                        ProgrammaticOptions.option(
                                SERVICE,
                                SERVICE_LABEL,
                                String.class,
                                SERVICE_DESCRIPTION,
                                () -> service,
                                v -> service = v)));
        settings.addTo(mixin);
        command.addMixin("xpc", mixin);
        mixee = command;
        return this;
    }

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
