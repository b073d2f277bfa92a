package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.session.RecordingListener;
import dev.tunnelhelper.helper.session.SessionPhase;
import dev.tunnelhelper.shim.ExitStatus;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tunnel that ignores the stop request, its closed pipes and SIGTERM (testbed fault
 * {@code ignore-stop}): stop and helper shutdown must still end it, by SIGKILL after the grace
 * period, and reap it before they return (docs/security.md, "The tunnel child").
 */
@Timeout(120)
@RequiresRootAndTun
class UnresponsiveTunnelTest {
    @TempDir
    Path dir;

    private final RecordingListener events = new RecordingListener();

    private HelperFixture start() throws Exception {
        HelperFixture f = HelperFixture.start(
                dir,
                HelperFixture.faulty(HelperFixture.tunnel("100.124"), "ignore-stop"),
                c -> c.toBuilder()
                        .tunnel(HelperFixture.timeouts()
                                .stopTimeoutMillis(1_000)
                                .killGraceMillis(500)
                                .build())
                        .build());
        f.helper.addListener(events);
        return f;
    }

    /** How every tunnel child of this session ended, in order, as the session saw it reaped. */
    private List<ExitStatus> endings() {
        return events.history().stream()
                .filter(RecordingListener.ChildExited.class::isInstance)
                .map(e -> ((RecordingListener.ChildExited) e).status())
                .toList();
    }

    private int spawnedPid() {
        return events.await(RecordingListener.ChildSpawned.class, e -> true).pid();
    }

    @Test
    void stopKillsATunnelThatIgnoresTheStopRequestAndSigtermAndReapsItBeforeReturning() throws Exception {
        try (HelperFixture f = start()) {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());
            int pid = spawnedPid();

            assertTrue(ne.stop().getSuccess());

            assertFalse(
                    Files.exists(Path.of("/proc/" + pid)),
                    "the tunnel is gone and reaped (no zombie) when stop returns");
            assertEquals(List.of(ExitStatus.killedBy(9)), endings());
            assertEquals(SessionPhase.IDLE, f.helper.session().status().get().phase());
        }
    }

    @Test
    void helperShutdownKillsATunnelThatIgnoresEverythingButSigkillAndReapsIt() throws Exception {
        HelperFixture f = start();
        int pid;
        try {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());
            pid = spawnedPid();
        } finally {
            f.close();
        }
        assertFalse(
                Files.exists(Path.of("/proc/" + pid)), "the tunnel is gone and reaped when the helper has shut down");
        assertEquals(List.of(ExitStatus.killedBy(9)), endings());
    }
}
