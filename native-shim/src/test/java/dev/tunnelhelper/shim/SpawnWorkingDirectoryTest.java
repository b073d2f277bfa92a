package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child never starts in the parent's working directory: {@code /} unless told otherwise. Also run
 * against the Apple spawn branch ({@code posix_spawn_file_actions_addchdir_np}) in the XPC simulator's JVM.
 */
@Tag("spawn")
class SpawnWorkingDirectoryTest {

    @TempDir
    Path dir;

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "reads /proc/<pid>/cwd")
    void aChildStartsInTheRootDirectoryNotTheParents() throws Exception {
        Path parentCwd = Path.of("").toAbsolutePath();
        assertTrue(!parentCwd.equals(Path.of("/")), "the test must run somewhere other than / to mean anything");
        ChildProcess child = NativeShim.get()
                .spawn(SpawnSpec.builder(Path.of("/bin/sleep")).args("30").build());
        try {
            assertEquals(Path.of("/"), Files.readSymbolicLink(Path.of("/proc", Integer.toString(child.pid()), "cwd")));
        } finally {
            child.terminate(Duration.ofSeconds(2));
        }
    }

    @Test
    void anExplicitWorkingDirectoryIsWhereTheChildStarts() throws Exception {
        Path real = dir.toRealPath();
        ChildRun run = ChildRun.run(
                SpawnSpec.builder(Path.of("/bin/sh")).args("-c", "pwd -P").workingDirectory(real));
        assertEquals(real + "\n", run.stdout());
        assertEquals(
                "/\n",
                ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh")).args("-c", "pwd -P"))
                        .stdout());
    }

    @Test
    void aDirectoryThatCannotBeEnteredFailsTheSpawnAndARelativeOneIsRefused() {
        NativeException e = assertThrows(
                NativeException.class,
                () -> NativeShim.get()
                        .spawn(SpawnSpec.builder(Path.of("/bin/true"))
                                .workingDirectory(dir.resolve("missing"))
                                .build()));
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> SpawnSpec.builder(Path.of("/bin/true")).workingDirectory(Path.of("relative")));
    }
}
