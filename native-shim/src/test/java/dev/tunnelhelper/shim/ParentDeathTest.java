package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * On Linux every child of the shim is set to die ({@code PR_SET_PDEATHSIG}, SIGKILL) with its
 * parent, so a tunnel never outlives a helper that was killed. The kernel's "parent" is the
 * thread that spawned it: this test shows exactly that, which is why the helper spawns tunnels
 * from a thread that lives as long as it does ({@code TunnelSpawner}).
 */
@EnabledOnOs(
        value = OS.LINUX,
        disabledReason = "PR_SET_PDEATHSIG is Linux's; macOS has no equivalent yet (docs/security.md)")
class ParentDeathTest {
    private static final int SIGKILL = 9;

    @Test
    void aChildIsKilledWhenTheThreadThatSpawnedItEnds() throws Exception {
        ExecutorService spawningThread = Executors.newSingleThreadExecutor();
        ChildProcess child = spawningThread
                .submit(() -> NativeShim.get()
                        .spawn(SpawnSpec.builder(Path.of("/bin/sleep"))
                                .args("120")
                                .build()))
                .get();
        try {
            spawningThread.shutdown();
            assertTrue(spawningThread.awaitTermination(30, TimeUnit.SECONDS));

            ExitStatus status = child.waitFor(Duration.ofSeconds(30)).orElse(null);
            assertEquals(ExitStatus.killedBy(SIGKILL), status, "the spawning thread's exit killed the child");
        } finally {
            child.terminate(Duration.ZERO);
        }
    }
}
