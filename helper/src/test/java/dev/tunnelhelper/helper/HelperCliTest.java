package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** tunnel-helper's shared options in both positions, and the exit-code table, without a running helper. */
class HelperCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = HelperMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        // status and run print with System.out/err, as the daemon's foreground output does.
        ByteArrayOutputStream sysOut = new ByteArrayOutputStream();
        ByteArrayOutputStream sysErr = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        System.setOut(new PrintStream(sysOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(sysErr, true, StandardCharsets.UTF_8));
        try {
            int code = cl.execute(args);
            return new Run(code, out + sysOut.toString(StandardCharsets.UTF_8), err + sysErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void statusTakesStateDirSocketTimeoutAndJsonOnEitherSide() {
        String socket = dir.resolve("run/app.sock").toString();
        Run before = run("--state-dir", dir.toString(), "--json", "--timeout", "1s", "status");
        Run after = run("status", "--state-dir", dir.toString(), "--json", "--timeout", "1s");
        for (Run r : new Run[] {before, after}) {
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code(), r.err());
            assertTrue(r.out().contains("\"socket\" : \"" + socket + "\""), "JSON, for the state dir's socket: " + r.out());
            assertTrue(r.out().contains("\"endpoint\" : \"absent\""), r.out());
        }
        Run socketFirst = run("--socket", dir.resolve("other.sock").toString(), "status", "--state-dir", dir.toString());
        assertTrue(socketFirst.out().contains("socket: " + dir.resolve("other.sock")), socketFirst.out());
    }

    @Test
    void runTakesTheStateDirOnEitherSide() throws Exception {
        Files.writeString(dir.resolve("helper.json"), "{\"minimumVersoin\": \"2.25.0\"}");
        for (String[] args : new String[][] {{"--state-dir", dir.toString(), "run"}, {"run", "--state-dir", dir.toString()}}) {
            Run r = run(args);
            assertEquals(ExitCodes.USAGE, r.code(), "a bad config is exit 2: " + r.err());
            assertTrue(r.err().contains(dir.resolve("helper.json") + ": unknown key \"minimumVersoin\""), r.err());
        }
    }

    @Test
    void doctorTakesStateDirAndJsonOnEitherSide() {
        Run before = run("--json", "--state-dir", dir.toString(), "doctor");
        Run after = run("doctor", "--json", "--state-dir", dir.toString());
        for (Run r : new Run[] {before, after}) {
            assertEquals(ExitCodes.FAILURE, r.code(), "no helper runs there: " + r.out());
            assertTrue(r.out().startsWith("{"), r.out());
            assertTrue(r.out().contains(dir.resolve("run/app.sock") + ": no socket"), r.out());
        }
    }

    @Test
    void aSharedOptionBeforeACommandThatDoesNotTakeItIsAUsageError() {
        Run install = run("--state-dir", dir.toString(), "install", "--root", dir.toString(), "--files-only");
        assertEquals(ExitCodes.USAGE, install.code());
        assertTrue(install.err().contains("option '--state-dir' does not apply to 'tunnel-helper install'"), install.err());
        Run version = run("--json", "version");
        assertEquals(ExitCodes.USAGE, version.code());
        assertEquals(ExitCodes.USAGE, run().code(), "a subcommand is required");
    }

    @Test
    void helpListsTheSharedExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s).*\\n  6 +another helper already listens on the sockets\\n.*"), r.out());
    }
}
