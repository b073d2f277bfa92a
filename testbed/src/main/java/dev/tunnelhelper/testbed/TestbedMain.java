package dev.tunnelhelper.testbed;

import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentCommand;
import dev.tunnelhelper.testbed.net.InterfaceCommand;
import dev.tunnelhelper.testbed.net.PingCommand;
import dev.tunnelhelper.testbed.tunnel.ReferenceTunnelMain;
import dev.tunnelhelper.testbed.tunnel.TunnelFault;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncher;
import dev.tunnelhelper.testbed.tunnel.TunnelLauncherCommand;
import dev.tunnelhelper.testbed.tunnel.TunnelSettings;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/testbed}: the local stand-ins the helper is tested against. */
@Command(
        name = "testbed",
        description =
                "Local stand-ins for a Coder deployment, and the ping/interface tools the tests and the demo use.")
public final class TestbedMain implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    @SuppressWarnings("UnusedVariable") // picocli reads it
    private boolean help;

    /** Logging goes to stderr; stdout carries only the commands' own output. */
    static final String LOGGING_CONFIG = "testbed-logback.xml";

    public static void main(String[] args) {
        // Not named logback.xml: this jar sits on other modules' test classpaths, where a second
        // logback.xml would make logback complain and might win over theirs.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING_CONFIG);
        }
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** The full command tree; tests run it in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new TestbedMain())
                .addSubcommand("deployment", new DeploymentCommand(defaultBinary()))
                .addSubcommand(
                        "tunnel",
                        new CommandLine(new ReferenceTunnelMain())
                                .addSubcommand("launcher", new TunnelLauncherCommand()))
                .addSubcommand("ping", new PingCommand())
                .addSubcommand("interface", new InterfaceCommand());
    }

    /**
     * What {@code deployment} serves without {@code --binary-file}: the reference tunnel's
     * launcher for this JVM and classpath, reporting the deployment's version.
     */
    static Optional<DeploymentCommand.DefaultBinary> defaultBinary() {
        return Optional.of((version, fault, subnet) -> {
            TunnelSettings settings = TunnelSettings.defaults()
                    .withVersion(version)
                    .withFault(TunnelFault.parse(fault))
                    .withSubnet(subnet);
            return BinarySource.bytes(
                    "reference tunnel (" + settings.version() + ", fault " + settings.fault() + ")",
                    TunnelLauncher.script(settings));
        });
    }
}
