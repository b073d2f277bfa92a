package dev.tunnelhelper.launchd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The daemon's JVM options: one list, in a form every launcher (shell or Java) reads the same way. */
class DaemonJvmOptionsTest {

    @Test
    void theShippedListHoldsTheDaemonsCollectorAndNoBlankOrCommentLines() {
        List<String> options = DaemonJvmOptions.get();
        assertTrue(options.contains("-XX:+UseSerialGC"), options.toString());
        options.forEach(o -> assertTrue(o.startsWith("-") && !o.contains("#"), o));
    }

    @Test
    void commentsAndBlankLinesAreSkippedAndTheOrderKept() {
        assertEquals(
                List.of("-Xms16m", "-XX:+UseSerialGC"),
                DaemonJvmOptions.parse("# why\n\n-Xms16m   # a small heap\n  -XX:+UseSerialGC\n"));
    }

    @Test
    void anOptionAShellWouldSplitOrExpandIsRefused() {
        for (String bad : List.of("-Dx=a b", "-Dx=$HOME", "-Dx=`id`", "Xms16m", "-Dx=\"q\"")) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> DaemonJvmOptions.parse(bad + "\n"), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
