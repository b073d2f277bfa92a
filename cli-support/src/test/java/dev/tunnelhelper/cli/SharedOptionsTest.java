package dev.tunnelhelper.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The shared options of a small program shaped like the real ones: before or after the subcommand. */
class SharedOptionsTest {

    @Command(
            name = "prog",
            subcommands = {Connect.class, Local.class})
    static final class Prog implements Runnable {
        @Mixin
        StateDirOption stateDir;

        @Mixin
        SocketOptions socket;

        @Mixin
        JsonOption json;

        @Override
        public void run() {}
    }

    /** Uses every shared option; prints what it resolved. */
    @Command(name = "connect")
    static final class Connect implements Callable<Integer> {
        @Mixin
        StateDirOption stateDir;

        @Mixin
        SocketOptions socket;

        @Mixin
        JsonOption json;

        @Override
        public Integer call() {
            System.out.println(socket.appSocket(stateDir) + " " + socket.extensionSocket(stateDir) + " "
                    + socket.timeout().toMillis() + " " + json.json());
            return 0;
        }
    }

    /** Takes none of them. */
    @Command(name = "local")
    static final class Local implements Callable<Integer> {
        @Override
        public Integer call() {
            return 0;
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Cli.prepare(new CommandLine(new Prog()));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new Run(
                    code, out.toString(java.nio.charset.StandardCharsets.UTF_8).strip(), err.toString());
        } finally {
            System.setOut(saved);
        }
    }

    @Test
    void optionsBeforeAndAfterTheSubcommandMeanTheSame() {
        Path d = Path.of("/tmp/state");
        String expected = d.resolve("run/app.sock") + " " + d.resolve("run/ne.sock") + " 700 true";
        assertEquals(
                expected,
                run("--state-dir", "/tmp/state", "--timeout", "700ms", "--json", "connect")
                        .out());
        assertEquals(
                expected,
                run("connect", "--state-dir", "/tmp/state", "--timeout", "700ms", "--json")
                        .out());
        assertEquals(
                expected,
                run("--state-dir", "/tmp/state", "connect", "--json", "--timeout", "700ms")
                        .out());
    }

    @Test
    void defaultsWithoutOptionsAndTheSubcommandsValueWins() {
        assertEquals(
                "/run/tunnel-helper/app.sock /run/tunnel-helper/ne.sock "
                        + Duration.ofSeconds(5).toMillis() + " false",
                run("connect").out());
        assertEquals(
                "/b/run/app.sock /b/run/ne.sock 1000 false",
                run("--state-dir", "/a", "--timeout", "9s", "connect", "--state-dir", "/b", "--timeout", "1s")
                        .out());
        assertEquals(
                "/s.sock /s.sock 5000 false",
                run("--socket", "/s.sock", "connect", "--state-dir", "/b").out(),
                "--socket wins over --state-dir wherever each is given");
    }

    @Test
    void aSharedOptionTheSubcommandDoesNotTakeIsAUsageErrorNotIgnored() {
        Run r = run("--state-dir", "/a", "local");
        assertEquals(ExitCodes.USAGE, r.code());
        assertTrue(r.err().contains("option '--state-dir' does not apply to 'prog local'"), r.err());
        assertEquals(ExitCodes.USAGE, run("local", "--state-dir", "/a").code(), "unknown after the subcommand too");
        assertEquals(0, run("local").code());
    }

    @Test
    void helpListsTheSharedExitCodes() {
        CommandLine cl = Cli.prepare(new CommandLine(new Prog()));
        String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(usage.contains("Exit codes:"), usage);
        assertTrue(usage.matches("(?s).*\n  3 +the helper is not running or cannot be reached\n.*"), usage);
        assertTrue(usage.matches("(?s).*\n  6 +another helper already listens on the sockets\n.*"), usage);
    }
}
