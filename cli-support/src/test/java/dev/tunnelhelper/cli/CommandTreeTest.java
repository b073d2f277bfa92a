package dev.tunnelhelper.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A run builds only the subcommand its arguments name, and prints and exits exactly as the whole
 * tree would, whatever the arguments (help, errors, options before and after the subcommand).
 */
class CommandTreeTest {

    @Command(name = "prog", mixinStandardHelpOptions = true, version = "prog 1")
    static final class Prog implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        StateDirOption stateDir;

        @Mixin
        SocketOptions socket;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
        }
    }

    @Command(name = "connect", description = "Connects.")
    static final class Connect implements Callable<Integer> {
        @Mixin
        StateDirOption stateDir;

        @Mixin
        SocketOptions socket;

        @Option(names = "--count", description = "How many.")
        int count;

        @Override
        public Integer call() {
            System.out.println("connect " + socket.appSocket(stateDir) + " " + count);
            return 0;
        }
    }

    @Command(name = "local", description = "Stays local.", subcommands = Local.Show.class)
    static final class Local implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
        }

        @Command(name = "show", mixinStandardHelpOptions = true)
        static final class Show implements Callable<Integer> {
            @Override
            public Integer call() {
                System.out.println("shown");
                return 0;
            }
        }
    }

    private static CommandTree tree() {
        return new CommandTree(Prog.class).subcommand(Connect.class).subcommand(Local.class);
    }

    /** The same program declared through picocli's programmatic API (ProgrammaticOptions), Local as before. */
    private static CommandTree programmaticTree() {
        return CommandTree.ofSpecs(ProgrammaticProg::spec)
                .subcommand("connect", ProgrammaticConnect::spec)
                .subcommand(Local.class);
    }

    static final class ProgrammaticProg implements Runnable {
        private final StateDirOption stateDir = new StateDirOption();
        private final SocketOptions socket = new SocketOptions();
        private CommandSpec spec;

        static CommandSpec spec() {
            ProgrammaticProg prog = new ProgrammaticProg();
            prog.spec = CommandSpec.wrapWithoutInspection(prog).name("prog").version("prog 1");
            prog.stateDir.addTo(prog.spec);
            prog.socket.addTo(prog.spec);
            ProgrammaticOptions.addStandardHelpOptions(prog.spec);
            return prog.spec;
        }

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
        }
    }

    static final class ProgrammaticConnect implements Callable<Integer> {
        private final StateDirOption stateDir = new StateDirOption();
        private final SocketOptions socket = new SocketOptions();
        private CommandSpec spec;

        static CommandSpec spec() {
            ProgrammaticConnect connect = new ProgrammaticConnect();
            connect.spec = CommandSpec.wrapWithoutInspection(connect).name("connect");
            connect.spec.usageMessage().description("Connects.");
            connect.stateDir.addTo(connect.spec);
            connect.socket.addTo(connect.spec);
            connect.spec.addOption(OptionSpec.builder("--count")
                    .type(int.class)
                    .paramLabel("<count>")
                    .initialValue(0)
                    .description("How many.")
                    .build());
            return connect.spec;
        }

        @Override
        public Integer call() {
            int count = spec.findOption("--count").getValue();
            System.out.println("connect " + socket.appSocket(stateDir) + " " + count);
            return 0;
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(CommandLine commandLine, String... args) {
        CommandLine cl = Cli.prepare(commandLine);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        java.io.ByteArrayOutputStream sysOut = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(sysOut, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new Run(code, out + sysOut.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void aRunBuildsOnlyTheSubcommandItNames() {
        assertEquals(
                List.of("connect"),
                List.copyOf(tree().forArguments("--state-dir", "/a", "connect", "--count", "2")
                        .getSubcommands()
                        .keySet()));
        assertEquals(
                List.of("local"),
                List.copyOf(
                        tree().forArguments("local", "show").getSubcommands().keySet()));
    }

    @Test
    void withoutAClearlyNamedSubcommandTheWholeTreeRuns() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"--help"},
                new String[] {"--help", "connect"},
                new String[] {"-V", "connect"},
                new String[] {"conect"},
                new String[] {"--state-dir"},
                new String[] {"--bogus", "connect"},
                new String[] {"--state-dir", "connect"})) {
            assertEquals(
                    List.of("connect", "local"),
                    List.copyOf(tree().forArguments(args).getSubcommands().keySet()),
                    String.join(" ", args));
        }
    }

    /** Help, errors, options before and after the subcommand, a nested subcommand. */
    private static final List<String[]> INVOCATIONS = List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"-V"},
            new String[] {"conect"},
            new String[] {"connect"},
            new String[] {"connect", "--help"},
            new String[] {"connect", "--count", "x"},
            new String[] {"connect", "--cuont", "2"},
            new String[] {"connect", "local"},
            new String[] {"--state-dir", "/a", "connect", "--count", "2"},
            new String[] {"--state-dir", "/a", "connect", "--state-dir", "/b"},
            new String[] {"--socket", "/s.sock", "connect"},
            new String[] {"--timeout", "0", "connect"},
            new String[] {"--state-dir", "/a", "local", "show"},
            new String[] {"local"},
            new String[] {"local", "show", "--help"},
            new String[] {"local", "shw"},
            new String[] {"connect", "--state-dir"});

    @Test
    void everyInvocationPrintsAndExitsAsTheWholeTreeDoes() {
        for (String[] args : INVOCATIONS) {
            Run whole = run(tree().whole(), args);
            Run chosen = run(tree().forArguments(args), args);
            assertEquals(whole, chosen, String.join(" ", args));
        }
    }

    @Test
    void aProgrammaticTreeRunsAndPrintsAsTheAnnotatedOne() {
        assertEquals(
                List.of("connect"),
                List.copyOf(programmaticTree()
                        .forArguments("--state-dir", "/a", "connect", "--count", "2")
                        .getSubcommands()
                        .keySet()));
        for (String[] args : INVOCATIONS) {
            Run annotated = run(tree().whole(), args);
            assertEquals(annotated, run(programmaticTree().whole(), args), String.join(" ", args));
            assertEquals(annotated, run(programmaticTree().forArguments(args), args), String.join(" ", args));
        }
    }

    @Test
    void everySubcommandPrintsItsOwnUsageForHelpAndExitsZero() {
        for (CommandTree tree : List.of(tree(), programmaticTree())) {
            for (String[] args : List.of(new String[] {"connect", "--help"}, new String[] {"connect", "-h"})) {
                Run help = run(tree.forArguments(args), args);
                assertEquals(0, help.code(), String.join(" ", args));
                assertEquals("", help.err());
                assertTrue(help.out().startsWith("Usage: prog connect "), help.out());
                assertTrue(help.out().contains("--count=<count>"), help.out());
                assertTrue(help.out().contains("-h, --help"), help.out());
            }
            Run local = run(tree.whole(), "local", "--help");
            assertEquals(0, local.code());
            assertTrue(local.out().startsWith("Usage: prog local "), local.out());
        }
    }

    @Command(name = "lookup", description = "Has an -h of its own.")
    static final class Lookup implements Callable<Integer> {
        @Option(
                names = {"-h", "--host"},
                description = "Which host.")
        String host;

        @Override
        public Integer call() {
            System.out.println("host " + host);
            return 0;
        }
    }

    @Test
    void aSubcommandThatUsesMinusHKeepsItAndTakesLongHelp() {
        assertEquals(
                new Run(0, "host example\n", ""),
                run(new CommandLine(new Prog()).addSubcommand(new Lookup()), "lookup", "-h", "example"));
        Run help = run(new CommandLine(new Prog()).addSubcommand(new Lookup()), "lookup", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("-h, --host=<host>"), help.out());
        assertTrue(help.out().contains("    --help"), help.out());
    }

    /** A class without {@code @Command}: it has no name to be listed under. */
    static final class Unnamed implements Runnable {
        @Override
        public void run() {}
    }

    @Command(description = "Has no name of its own.")
    static final class DefaultNamed implements Runnable {
        @Override
        public void run() {}
    }

    @Test
    void aSubcommandIsListedUnderTheNameItsAnnotationDeclaresAndOnlyOnce() {
        assertEquals(
                List.of("connect", "local"),
                List.copyOf(tree().whole().getSubcommands().keySet()));
        assertEquals(
                "subcommand connect added twice",
                assertThrows(IllegalArgumentException.class, () -> tree().subcommand(Connect.class))
                        .getMessage());
        assertEquals(
                Unnamed.class.getName() + " is not a @Command with a name",
                assertThrows(IllegalArgumentException.class, () -> tree().subcommand(Unnamed.class))
                        .getMessage());
        assertEquals(
                DefaultNamed.class.getName() + " is not a @Command with a name",
                assertThrows(IllegalArgumentException.class, () -> tree().subcommand(DefaultNamed.class))
                        .getMessage());
    }
}
