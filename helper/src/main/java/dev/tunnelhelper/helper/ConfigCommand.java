package dev.tunnelhelper.helper;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.cli.ExitCodes;
import dev.tunnelhelper.cli.JsonOption;
import dev.tunnelhelper.cli.StateDirOption;
import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.ConfigLoader;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.xpc.XpcCarrier;
import dev.tunnelhelper.launchd.cli.IdentityOptions;
import dev.tunnelhelper.shim.NativePlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tunnel-helper config}: the configuration as the daemon would apply it. */
@Command(name = "config", description = "Inspect the helper's configuration.", subcommands = ConfigCommand.Show.class)
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /**
     * {@code config show [--json]}: every setting with its default filled in, the carrier this
     * machine would use, and the Mach service names the helper listens on (the ones
     * {@code tunnel-helper plist} puts into {@code MachServices}). The output is JSON either way
     * (indented); {@code --json} is accepted as by every other command.
     */
    @Command(
            name = "show",
            description = "Print the effective configuration as JSON (defaults filled in, Mach service names derived).")
    static final class Show implements Callable<Integer> {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description =
                        "The helper's config (default /etc/tunnel-helper/helper.json; macOS: /Library/Application Support/tunnel-helper/helper.json; with --bundle-id B: /Library/Application Support/B/helper.json; D/helper.json with --state-dir).")
        Path configFile;

        @Mixin
        StateDirOption stateDir;

        @Mixin
        JsonOption json;

        @Mixin
        IdentityOptions macosIdentity;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path state = stateDir.stateDir().orElse(null);
            HelperSetup setup;
            try {
                setup = HelperSetup.load(configFile, state, HelperSetup.macosFlags(macosIdentity));
                ConfigLoader.validate(setup.config(), setup.paths().config().toString());
            } catch (ConfigException e) {
                spec.commandLine().getErr().println("tunnel-helper: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            HelperConfig config = setup.config();
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode out = mapper.createObjectNode();
            out.put("configFile", setup.paths().config().toString());
            out.put("configFileExists", Files.isRegularFile(setup.paths().config()));
            out.put("carrier", XpcCarrier.selected(NativePlatform.current(), config) ? "xpc" : "unix");
            config.effectiveXpc().ifPresent(x -> {
                ObjectNode names = out.putObject("machServices");
                names.put("app", x.appServiceName());
                names.put("extension", x.extensionServiceName());
            });
            ObjectNode effective = mapper.valueToTree(config);
            effective.set(
                    "xpc",
                    config.effectiveXpc()
                            .<com.fasterxml.jackson.databind.JsonNode>map(mapper::valueToTree)
                            .orElse(mapper.nullNode()));
            out.set("config", effective);
            spec.commandLine().getOut().println(mapper.writeValueAsString(out));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
