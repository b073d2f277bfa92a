package dev.tunnelhelper.helper.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real programs, no helper running: exit code 3 and a message that says what to do. */
class HelperUnavailableProcessTest {
    @TempDir
    Path dir;

    @Test
    void everyClientCommandSaysTheHelperIsNotRunning() throws Exception {
        Path stateDir = dir.resolve("state");
        Path token = Files.writeString(dir.resolve("token"), "t");
        for (var argv : java.util.List.of(
                Programs.appClient("status", "--state-dir", stateDir.toString()),
                Programs.appClient("peers", "--json", "--state-dir", stateDir.toString()),
                Programs.netextBridge(
                        "start",
                        "--url",
                        "http://127.0.0.1:9",
                        "--token-file",
                        token.toString(),
                        "--state-dir",
                        stateDir.toString()),
                Programs.netextBridge("stop", "--state-dir", stateDir.toString()))) {
            Programs.Result r = Programs.run(dir.resolve("logs"), "client", argv, Duration.ofSeconds(60));
            assertEquals(3, r.code(), argv + "\n" + r.err());
            assertTrue(r.err().contains("tunnel helper is not running"), r.err());
            assertTrue(r.err().contains(stateDir.resolve("run").toString()), r.err());
            assertTrue(r.err().contains("bin/tunnel-helper run --state-dir D"), r.err());
            assertFalse(r.err().contains("Exception"), "no stack trace:\n" + r.err());
            assertEquals("", r.out());
        }
    }
}
