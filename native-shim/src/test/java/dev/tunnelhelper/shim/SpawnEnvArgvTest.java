package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/* Also run against the Apple spawn branch (POSIX_SPAWN_CLOEXEC_DEFAULT) in the XPC simulator\'s JVM. */
@Tag("spawn")
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX only")
class SpawnEnvArgvTest {

    @Test
    void environmentIsExactlyTheGivenOne() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ALPHA", "1");
        env.put("WITH_SPACES", "a b  c");
        env.put("UNICODE", "grüße ✓");
        env.put("EMPTY", "");
        SpawnSpec.Builder spec = SpawnSpec.builder(Path.of("/usr/bin/env")).env(env);
        ChildRun run = ChildRun.run(spec);
        assertEquals(ExitStatus.exited(0), run.status());
        assertEquals("ALPHA=1\nWITH_SPACES=a b  c\nUNICODE=grüße ✓\nEMPTY=\n", run.stdout());
    }

    @Test
    void emptyEnvironmentStaysEmpty() throws Exception {
        ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/usr/bin/env")));
        assertEquals("", run.stdout());
    }

    @Test
    void argvIsPreservedIncludingSpacesUtf8AndEmptyArguments() throws Exception {
        List<String> args = List.of("plain", "with space", "  lead and trail  ", "ünïcødé ∆ 日本", "", "*", "$HOME");
        ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh"))
                .args("-c", "printf '%s|' \"$0\" \"$@\"", "my-argv0")
                .args(args));
        assertEquals("my-argv0|" + String.join("|", args) + "|", run.stdout());
    }

    @Test
    void argvZeroCanDifferFromThePath() throws Exception {
        ChildRun run = ChildRun.run(
                SpawnSpec.builder(Path.of("/bin/sh")).argv0("custom-name").args("-c", "printf %s \"$0\""));
        assertEquals("custom-name", run.stdout());
    }
}
