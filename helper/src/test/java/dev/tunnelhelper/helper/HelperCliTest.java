package dev.tunnelhelper.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tunnel-helper's shared options in both positions, and the exit-code table, without a running helper. */
class HelperCliTest {
    @TempDir
    Path dir;

    @Test
    void statusTakesStateDirSocketTimeoutAndJsonOnEitherSide() {
        String socket = dir.resolve("run/app.sock").toString();
        HelperCommandLine.Run before =
                HelperCommandLine.run("--state-dir", dir.toString(), "--json", "--timeout", "1s", "status");
        HelperCommandLine.Run after =
                HelperCommandLine.run("status", "--state-dir", dir.toString(), "--json", "--timeout", "1s");
        for (HelperCommandLine.Run r : new HelperCommandLine.Run[] {before, after}) {
            assertEquals(ExitCodes.HELPER_UNAVAILABLE, r.code(), r.err());
            assertTrue(
                    r.out().contains("\"socket\" : \"" + socket + "\""),
                    "JSON, for the state dir's socket: " + r.out());
            assertTrue(r.out().contains("\"endpoint\" : \"absent\""), r.out());
        }
        HelperCommandLine.Run socketFirst = HelperCommandLine.run(
                "--socket", dir.resolve("other.sock").toString(), "status", "--state-dir", dir.toString());
        assertTrue(socketFirst.out().contains("socket: " + dir.resolve("other.sock")), socketFirst.out());
    }

    @Test
    void runTakesTheStateDirOnEitherSide() throws Exception {
        Files.writeString(dir.resolve("helper.json"), "{\"minimumVersoin\": \"2.25.0\"}");
        for (String[] args :
                new String[][] {{"--state-dir", dir.toString(), "run"}, {"run", "--state-dir", dir.toString()}}) {
            HelperCommandLine.Run r = HelperCommandLine.run(args);
            assertEquals(ExitCodes.USAGE, r.code(), "a bad config is exit 2: " + r.err());
            assertTrue(r.err().contains(dir.resolve("helper.json") + ": unknown key \"minimumVersoin\""), r.err());
        }
    }

    @Test
    void doctorTakesStateDirAndJsonOnEitherSide() {
        HelperCommandLine.Run before = HelperCommandLine.run("--json", "--state-dir", dir.toString(), "doctor");
        HelperCommandLine.Run after = HelperCommandLine.run("doctor", "--json", "--state-dir", dir.toString());
        for (HelperCommandLine.Run r : new HelperCommandLine.Run[] {before, after}) {
            assertEquals(ExitCodes.FAILURE, r.code(), "no helper runs there: " + r.out());
            assertTrue(r.out().startsWith("{"), r.out());
            assertTrue(r.out().contains(dir.resolve("run/app.sock") + ": no socket"), r.out());
        }
    }

    @Test
    void aSharedOptionBeforeACommandThatDoesNotTakeItIsAUsageError() {
        HelperCommandLine.Run install = HelperCommandLine.run(
                "--state-dir", dir.toString(), "install", "--root", dir.toString(), "--files-only");
        assertEquals(ExitCodes.USAGE, install.code());
        assertTrue(
                install.err().contains("option '--state-dir' does not apply to 'tunnel-helper install'"),
                install.err());
        HelperCommandLine.Run version = HelperCommandLine.run("--json", "version");
        assertEquals(ExitCodes.USAGE, version.code());
        assertEquals(ExitCodes.USAGE, HelperCommandLine.run().code(), "a subcommand is required");
    }

    @Test
    void helpListsTheSharedExitCodes() {
        HelperCommandLine.Run r = HelperCommandLine.run("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().matches("(?s).*\\n  6 +another helper already listens on the sockets\\n.*"), r.out());
    }
}
