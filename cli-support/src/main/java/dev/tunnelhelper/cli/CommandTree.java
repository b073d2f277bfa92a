package dev.tunnelhelper.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * A program's command tree, with each subcommand built only when it is needed. Picocli builds a
 * command's model by reflection over its annotations and the classes they name; building all of
 * tunnel-helper's subcommands cost the daemon about 0.1 s of CPU before it listened
 * (docs/performance.md, "Start-up and footprint"). An invocation that names one subcommand, and
 * asks the top-level command for no help or version, runs on a tree holding only that subcommand:
 * picocli parses its arguments and prints its help and errors exactly as in the whole tree, since
 * nothing it does there looks at the sibling subcommands. Anything else (no subcommand, a name
 * that matches none, top-level help, a top-level parse error) runs on the whole tree.
 *
 * <p>Commands are given as their classes: picocli makes a new instance per tree, and a
 * subcommand's name is the one its {@code @Command} annotation declares, read without building
 * its model, so the name is written once. Or, for a program declared through picocli's
 * programmatic API ({@link ProgrammaticOptions}), as functions making a new {@link CommandSpec}
 * per tree.
 */
public final class CommandTree {
    /** Each makes what picocli builds a command from: a {@code @Command} class or a {@link CommandSpec}. */
    private final Supplier<Object> top;

    private final Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();

    /** {@code top} is the top-level command's {@code @Command} class. */
    public CommandTree(Class<?> top) {
        this.top = () -> top;
    }

    private CommandTree(Supplier<Object> top) {
        this.top = top;
    }

    /** A tree of commands declared programmatically; {@code top} makes the top-level command's spec. */
    public static CommandTree ofSpecs(Supplier<CommandSpec> top) {
        return new CommandTree(top::get);
    }

    /** Adds a {@code @Command} class as a subcommand under its declared name; help lists them in the order they are added. */
    public CommandTree subcommand(Class<?> command) {
        Command annotation = command.getAnnotation(Command.class);
        if (annotation == null
                || annotation.name().isEmpty()
                || annotation.name().equals(CommandSpec.DEFAULT_COMMAND_NAME)) {
            throw new IllegalArgumentException(command.getName() + " is not a @Command with a name");
        }
        return add(annotation.name(), () -> command);
    }

    /** Adds a programmatically declared subcommand; {@code spec} makes its spec, named {@code name}. */
    public CommandTree subcommand(String name, Supplier<CommandSpec> spec) {
        return add(name, spec::get);
    }

    private CommandTree add(String name, Supplier<Object> command) {
        if (subcommands.putIfAbsent(name, command) != null) {
            throw new IllegalArgumentException("subcommand " + name + " added twice");
        }
        return this;
    }

    /** Every subcommand: for help, the documentation and tests. */
    public CommandLine whole() {
        return withEverySubcommand(new CommandLine(top.get()));
    }

    private CommandLine withEverySubcommand(CommandLine commandLine) {
        for (Map.Entry<String, Supplier<Object>> sub : subcommands.entrySet()) {
            commandLine.addSubcommand(sub.getKey(), sub.getValue().get());
        }
        return commandLine;
    }

    /** The tree to run {@code args} on: only the subcommand they name when that is all they need, else {@link #whole()}. */
    public CommandLine forArguments(String... args) {
        CommandLine commandLine = new CommandLine(top.get());
        String chosen = chosenSubcommand(commandLine, args);
        if (chosen == null) {
            return withEverySubcommand(commandLine);
        }
        commandLine.addSubcommand(chosen, subcommands.get(chosen).get());
        return commandLine;
    }

    /**
     * The subcommand {@code args} name: the first argument the top-level command does not take
     * itself when parsing stops there, if it is a subcommand's name; null when the parse fails,
     * when it is not, or when the top-level command is asked for help or its version. The
     * command that then runs parses again from its options' initial values. No placeholder
     * commands: each CommandLine picocli builds registers its converters and compiles its
     * patterns again, a large part of a short command's start.
     */
    private String chosenSubcommand(CommandLine top, String[] args) {
        CommandLine.Model.ParserSpec parser = top.getCommandSpec().parser();
        boolean stopAtUnmatched = parser.stopAtUnmatched();
        boolean unmatchedAllowed = parser.unmatchedArgumentsAllowed();
        parser.stopAtUnmatched(true).unmatchedArgumentsAllowed(true);
        try {
            ParseResult parsed = top.parseArgs(args);
            if (parsed.isUsageHelpRequested()
                    || parsed.isVersionHelpRequested()
                    || parsed.unmatched().isEmpty()) {
                return null;
            }
            String first = parsed.unmatched().get(0);
            return subcommands.containsKey(first) ? first : null;
        } catch (ParameterException e) {
            return null;
        } finally {
            parser.stopAtUnmatched(stopAtUnmatched).unmatchedArgumentsAllowed(unmatchedAllowed);
        }
    }
}
