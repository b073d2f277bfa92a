package dev.tunnelhelper.testbed;

import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentCommand;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bin/testbed}: the local stand-ins the helper is tested against. */
@Command(name = "testbed",
        description = "Local stand-ins for a Coder deployment, used by tests, benchmarks and the demo.")
public final class TestbedMain implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
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
                .addSubcommand("deployment", new DeploymentCommand(defaultBinary()));
    }

    /**
     * What {@code deployment} serves without {@code --binary-file}. Nothing yet: the reference
     * tunnel's launcher becomes the default once the tunnel lives in this module.
     */
    static Optional<BinarySource> defaultBinary() {
        return Optional.empty();
    }
}
