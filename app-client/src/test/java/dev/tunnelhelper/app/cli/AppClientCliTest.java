package dev.tunnelhelper.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AppClientCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = AppClientMain.commandLine(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void missingSocketIsExitCode3WithWhereAndHow() {
        for (String command : new String[] {"ping", "status", "peers", "watch"}) {
            Run r = run(command, "--state-dir", dir.toString());
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code(), command + ": " + r.err());
            assertTrue(r.err().contains(dir.resolve("run/app.sock").toString()), r.err());
            assertTrue(r.err().contains("bin/tunnel-helper run --state-dir"), r.err());
            assertTrue(r.err().contains("systemctl start tunnel-helper"), r.err());
            assertFalse(r.err().contains("Exception"), "no stack trace: " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    @Test
    void connectionOptionsWorkBeforeAndAfterTheSubcommand() {
        for (String command : new String[] {"ping", "status", "peers", "watch"}) {
            Run before = run("--state-dir", dir.toString(), "--timeout", "2s", "--json", command);
            Run after = run(command, "--state-dir", dir.toString(), "--timeout", "2s", "--json");
            for (Run r : new Run[] {before, after}) {
                assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code(), command + ": " + r.err());
                assertTrue(
                        r.err().contains(dir.resolve("run/app.sock").toString()), "the state dir was used: " + r.err());
            }
            Run socketFirst = run("--socket", dir.resolve("x.sock").toString(), command, "--state-dir", dir.toString());
            assertTrue(
                    socketFirst.err().contains(dir.resolve("x.sock").toString()),
                    "--socket wins from either side: " + socketFirst.err());
        }
    }

    @Test
    void aBadValueBeforeTheSubcommandIsAUsageErrorToo() {
        assertEquals(ExitCodes.USAGE, run("--timeout", "soon", "ping").code());
        assertEquals(ExitCodes.USAGE, run("--no-such-flag", "ping").code());
    }

    @Test
    void aSocketPathNobodyListensOnIsExitCode3() throws Exception {
        Path stale = Files.createFile(dir.resolve("app.sock"));
        Run r = run("status", "--json", "--socket", stale.toString());
        assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code(), r.err());
        assertTrue(r.err().contains("cannot connect"), r.err());
        assertTrue(r.err().contains(stale.toString()), r.err());
    }

    @Test
    void socketOptionWinsOverStateDir() {
        Path other = dir.resolve("elsewhere.sock");
        Run r = run("ping", "--state-dir", dir.toString(), "--socket", other.toString());
        assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code());
        assertTrue(r.err().contains(other.toString()), r.err());
    }

    @Test
    void usageErrorsAreExitCode2() {
        assertEquals(ExitCodes.USAGE, run().code());
        assertEquals(ExitCodes.USAGE, run("frobnicate").code());
        assertEquals(ExitCodes.USAGE, run("status", "--no-such-flag").code());
        assertEquals(ExitCodes.USAGE, run("ping", "--timeout", "soon").code());
        assertEquals(ExitCodes.USAGE, run("ping", "--timeout", "0").code());
    }

    @Test
    void helpIsExitCode0AndListsExitCodes() {
        Run r = run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("the helper is not running or cannot be reached"), r.out());
        assertTrue(r.out().contains("may also follow the subcommand"), r.out());
    }
}
