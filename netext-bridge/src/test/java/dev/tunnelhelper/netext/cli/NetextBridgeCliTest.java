package dev.tunnelhelper.netext.cli;

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

class NetextBridgeCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String err) {}

    private static Run run(String... args) {
        CommandLine cl = NetextBridgeMain.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return new Run(cl.execute(args), err.toString());
    }

    @Test
    void helperNotRunningIsExitCode3ForStartAndStop() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t\n");
        Run start = run(
                "start",
                "--url",
                "http://127.0.0.1:9",
                "--token-file",
                token.toString(),
                "--state-dir",
                dir.toString());
        assertEquals(ExitCodes.HELPER_UNAVAILABLE, start.code(), start.err());
        assertTrue(start.err().contains(dir.resolve("run/ne.sock").toString()), start.err());
        assertTrue(start.err().contains("bin/tunnel-helper run --state-dir"), start.err());
        assertFalse(start.err().contains("\tat "), start.err());

        Run stop = run("stop", "--socket", dir.resolve("x.sock").toString());
        assertEquals(ExitCodes.HELPER_UNAVAILABLE, stop.code(), stop.err());
        assertTrue(stop.err().contains(dir.resolve("x.sock").toString()), stop.err());
    }

    @Test
    void connectionOptionsWorkBeforeAndAfterTheSubcommand() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t\n");
        String[][] invocations = {
            {"--state-dir", dir.toString(), "--timeout", "2s", "stop"},
            {"stop", "--state-dir", dir.toString(), "--timeout", "2s"},
            {"--state-dir", dir.toString(), "start", "--url", "http://127.0.0.1:9", "--token-file", token.toString()},
            {"start", "--url", "http://127.0.0.1:9", "--token-file", token.toString(), "--state-dir", dir.toString()},
        };
        for (String[] args : invocations) {
            Run r = run(args);
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(dir.resolve("run/ne.sock").toString()), "the state dir was used: " + r.err());
        }
        Run socket = run("--socket", dir.resolve("y.sock").toString(), "stop", "--state-dir", dir.toString());
        assertTrue(
                socket.err().contains(dir.resolve("y.sock").toString()),
                "--socket wins from either side: " + socket.err());
        assertEquals(ExitCodes.USAGE, run("--json", "stop").code(), "netext-bridge has no JSON output");
    }

    @Test
    void usageErrorsAreExitCode2() {
        assertEquals(ExitCodes.USAGE, run().code());
        assertEquals(ExitCodes.USAGE, run("start", "--token-file", "x").code());
        assertEquals(ExitCodes.USAGE, run("start", "--url", "u").code());
        assertEquals(
                ExitCodes.USAGE,
                run("start", "--url", "u", "--token-file", "x", "--header", "broken")
                        .code());
        assertEquals(
                ExitCodes.USAGE,
                run("start", "--url", "u", "--token", "secret").code(),
                "no option takes the token itself");
    }

    @Test
    void unreadableTokenIsALocalFailureBeforeAnythingElse() {
        Run r = run(
                "start",
                "--url",
                "u",
                "--token-file",
                dir.resolve("missing").toString(),
                "--state-dir",
                dir.toString());
        assertEquals(ExitCodes.LOCAL_FAILURE, r.code());
    }
}
