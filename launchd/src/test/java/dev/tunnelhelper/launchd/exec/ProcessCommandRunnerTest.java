package dev.tunnelhelper.launchd.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {

    @Test
    void capturesExitCodeAndBothStreams() throws Exception {
        CommandResult result = new ProcessCommandRunner().run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(3, result.exitCode());
        assertFalse(result.succeeded());
        assertTrue(result.output().contains("out") && result.output().contains("err"), result.output());
        assertEquals(
                "`sh -c echo out; echo err >&2; exit 3` exited with code 3: "
                        + result.output().strip(),
                result.describe());
    }

    @Test
    void killsACommandThatOverrunsItsTimeout() throws Exception {
        long start = System.nanoTime();
        CommandResult result = new ProcessCommandRunner(Duration.ofMillis(300)).run(List.of("sleep", "30"));
        assertTrue(result.timedOut());
        assertFalse(result.succeeded());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
        assertTrue(result.describe().contains("timed out"), result.describe());
    }

    @Test
    void reportsACommandThatCannotStart() {
        CommandException e = assertThrows(
                CommandException.class,
                () -> new ProcessCommandRunner().run(List.of("/nonexistent/launchctl", "print")));
        assertTrue(e.getMessage().contains("/nonexistent/launchctl"), e.getMessage());
    }
}
