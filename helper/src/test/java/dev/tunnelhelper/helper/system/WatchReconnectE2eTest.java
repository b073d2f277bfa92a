package dev.tunnelhelper.helper.system;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A subscriber outlives a helper restart: it reports the loss, reconnects, and gets a fresh snapshot. */
class WatchReconnectE2eTest {
    @TempDir
    Path dir;

    private Launched helper(String name) throws Exception {
        Launched h = Launched.start(
                name,
                dir.resolve("logs"),
                Programs.tunnelHelper("run", "--state-dir", dir.resolve("state").toString()),
                null);
        Path socket = dir.resolve("state/run/app.sock");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket)) {
            if (!h.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("helper did not come up\n" + h.err());
            }
            Thread.sleep(100);
        }
        return h;
    }

    private static int count(String text, String needle) {
        return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
    }

    @Test
    void watchReconnectsAfterAHelperRestart() throws Exception {
        Launched first = helper("helper-1");
        try (Launched watch = Launched.start(
                "watch",
                dir.resolve("logs"),
                Programs.appClient(
                        "watch", "--json", "--state-dir", dir.resolve("state").toString()),
                null)) {
            watch.awaitOut(o -> count(o, "\"type\":\"snapshot\"") == 1, Duration.ofSeconds(30), "the first snapshot");
            first.close();
            watch.awaitOut(
                    o -> o.contains("\"type\":\"disconnected\"") && o.contains("\"reconnecting\":true"),
                    Duration.ofSeconds(30),
                    "the disconnect event");
            assertTrue(watch.isAlive(), "watch keeps running while the helper is away");
            try (Launched second = helper("helper-2")) {
                watch.awaitOut(o -> count(o, "\"type\":\"snapshot\"") == 2, Duration.ofSeconds(30), "a fresh snapshot");
                String out = watch.out();
                assertTrue(out.lastIndexOf("\"type\":\"snapshot\"") > out.indexOf("\"type\":\"disconnected\""), out);
                assertTrue(watch.isAlive());
                assertTrue(second.isAlive());
            }
        } finally {
            first.close();
        }
    }
}
