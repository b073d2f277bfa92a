package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk holding the binary directory fills up during a download: a 64 KiB tmpfs mounted as
 * the directory (root only; skipped with the reason elsewhere, a failure under
 * {@code REQUIRE_PRIVILEGED_TESTS=1}). The error names the file system and its free space,
 * nothing partial is left, and the binary installed before is still there, unchanged.
 */
class DiskFullTest {
    private static final int UPDATE_SIZE = 200_000;

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;
    private boolean mounted;

    @AfterEach
    void unmount() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
        if (mounted) {
            run("umount", fixture.binDir.toString());
        }
    }

    @Test
    void aFullDiskIsAStorageErrorNamingItAndKeepsTheInstalledBinary() throws Exception {
        fixture = new AcquisitionFixture(tmp);
        mountSmallTmpfs(fixture.binDir);
        fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter), false);
        fixture.acquirer().acquire(fixture.request());
        String installed = fixture.deployment.binarySha256();

        fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, UPDATE_SIZE), false);
        AcquisitionException e = assertThrows(
                AcquisitionException.class, () -> fixture.acquirer().acquire(fixture.request()));

        assertEquals(Step.STORAGE, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(
                e.getMessage().contains("the file system " + fixture.binDir + " (tmpfs) holding " + fixture.binDir),
                e.getMessage());
        fixture.assertOnlyInstalled(installed);
        assertEquals(1, fixture.probes(), "nothing from the failed download was executed");
    }

    /** Mounts a 64 KiB tmpfs (mode 0755, root's) at {@code dir}: room for the small binary, not for the update. */
    private void mountSmallTmpfs(Path dir) throws Exception {
        String why;
        if (!"root".equals(System.getProperty("user.name"))) {
            why = "not running as root";
        } else {
            String out = run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", dir.toString());
            if (out == null) {
                mounted = true;
                return;
            }
            why = "mount -t tmpfs failed: " + out;
        }
        if ("1".equals(System.getenv(PrivilegedTestPolicy.REQUIRE_ENV))) {
            fail(PrivilegedTestPolicy.REQUIRE_ENV + "=1 but " + why);
        }
        assumeTrue(
                false,
                "disk-full test skipped: " + why + " (set " + PrivilegedTestPolicy.REQUIRE_ENV
                        + "=1 to make this a failure)");
    }

    /** Null when {@code command} succeeded, else what it printed. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", command) + " did not finish";
        }
        return p.exitValue() == 0 ? null : out + " (exit " + p.exitValue() + ")";
    }
}
