package dev.tunnelhelper.cli;

import dev.tunnelhelper.protocol.endpoint.HelperErrorException;
import dev.tunnelhelper.protocol.endpoint.HelperUnavailableException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** What every program does with its command tree: the exit-code table, error mapping, shared options. */
public final class Cli {
    private static final String NO_GROOVY = "picocli.disable.closures";

    private Cli() {}

    /**
     * Call first in a program's {@code main}, before picocli builds anything. Unless told not to,
     * picocli's default factory looks for Groovy ({@code Class.forName("groovy.lang.Closure")}), and
     * that search opens every jar on the classpath to find nothing: milliseconds of a short
     * command's start (docs/performance.md). None of our commands is written in Groovy. A value
     * given on the command line ({@code -Dpicocli.disable.closures=false}) wins.
     */
    public static void skipGroovyLookup() {
        if (System.getProperty(NO_GROOVY) == null) {
            System.setProperty(NO_GROOVY, "true");
        }
    }

    /**
     * Prepares {@code commandLine} (the program's top-level command): {@code --help} lists the
     * shared exit codes; {@link HelperUnavailableException} exits 3 and {@link HelperErrorException}
     * 4 with one line (no stack trace), anything else 1 with its message; a shared option given
     * before a subcommand that does not take it is a usage error; every subcommand takes
     * {@code --help} (and {@code -h} unless it uses that name itself).
     */
    public static CommandLine prepare(CommandLine commandLine) {
        String program = commandLine.getCommandName();
        acceptHelpEverywhere(commandLine);
        commandLine
                .getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("Exit codes:%n")
                .exitCodeList(ExitCodes.table());
        commandLine.setExecutionExceptionHandler(new ExitCodeMapping(program));
        commandLine.setExecutionStrategy(new CheckedRunLast());
        return commandLine;
    }

    /**
     * Picocli gives {@code --help} only to the commands that ask for it, and a user who types
     * {@code tunnel-helper run --help} expects the usage of {@code run}, not "Unknown option".
     * Added to the tree as built: with {@link CommandTree#forArguments} that is the chosen branch.
     */
    private static void acceptHelpEverywhere(CommandLine command) {
        for (CommandLine sub : command.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (!hasUsageHelp(spec)) {
                String[] names =
                        spec.findOption("-h") == null ? new String[] {"-h", "--help"} : new String[] {"--help"};
                spec.addOption(OptionSpec.builder(names)
                        .type(boolean.class)
                        .initialValue(false)
                        .usageHelp(true)
                        .descriptionKey("mixinStandardHelpOptions.help")
                        .description(ProgrammaticOptions.HELP_DESCRIPTION)
                        .build());
            }
            acceptHelpEverywhere(sub);
        }
    }

    // A loop, not a stream with a method reference: see the note on named classes below.
    private static boolean hasUsageHelp(CommandSpec spec) {
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp()) {
                return true;
            }
        }
        return false;
    }

    // Named classes, not lambdas: picocli's classes are compiled for Java 5, and the class-data
    // archive (scripts/build-cds-archives.sh) has to leave out such a class once it has been
    // linked while dumping, which building a lambda that implements one of its interfaces does.
    // Left out, it is read from the jar and verified at every start.

    /** Errors to exit codes and one line on stderr. */
    private static final class ExitCodeMapping implements CommandLine.IExecutionExceptionHandler {
        private final String program;

        ExitCodeMapping(String program) {
            this.program = program;
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine cl, ParseResult parseResult) {
            if (e instanceof HelperUnavailableException u) {
                cl.getErr().println(program + ": " + u.getMessage());
                return ExitCodes.HELPER_UNAVAILABLE;
            }
            if (e instanceof HelperErrorException h) {
                cl.getErr().println(program + ": the helper refused: " + h.code() + ": " + h.helperMessage());
                return ExitCodes.HELPER_ERROR;
            }
            cl.getErr().println(program + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return ExitCodes.FAILURE;
        }
    }

    /** Picocli's RunLast, after refusing shared options the chosen subcommand does not take. */
    private static final class CheckedRunLast implements CommandLine.IExecutionStrategy {
        private final CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();

        @Override
        public int execute(ParseResult parseResult) {
            rejectMisplacedOptions(parseResult);
            return runLast.execute(parseResult);
        }
    }

    /** A top-level shared option must be one the chosen subcommand declares; otherwise it would be ignored. */
    static void rejectMisplacedOptions(ParseResult top) {
        ParseResult leaf = top;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        if (leaf == top) {
            return;
        }
        CommandSpec target = leaf.commandSpec();
        List<OptionSpec> matched = top.matchedOptions();
        for (OptionSpec option : matched) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            if (target.findOption(option.longestName()) == null) {
                throw new ParameterException(
                        leaf.commandSpec().commandLine(),
                        "option '" + option.longestName() + "' does not apply to '" + target.qualifiedName() + "'");
            }
        }
    }
}
