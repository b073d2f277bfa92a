package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.helper.session.SessionManager;
import dev.tunnelhelper.protocol.helper.SessionState;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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

    private final Logger sessionLog = (Logger) LoggerFactory.getLogger(SessionManager.class);
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();

    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = sessionLog.getLevel();
        sessionLog.setLevel(Level.INFO);
        captured.start();
        sessionLog.addAppender(captured);
    }

    @AfterEach
    void release() {
        sessionLog.detachAppender(captured);
        sessionLog.setLevel(levelBefore);
    }

    private HelperFixture start() throws Exception {
        return HelperFixture.start(dir, HelperFixture.faulty(HelperFixture.tunnel("100.124"), "ignore-stop"),
                c -> c.withTunnel(new HelperConfig.Tunnel(10_000L, 30_000L, 1_000L, 500L, 5_000L, 10_000L)));
    }

    /** The tunnel: this JVM's one child running the reference tunnel. */
    private static long tunnelPid() {
        List<ProcessHandle> tunnels = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains("ReferenceTunnelMain")).toList();
        assertEquals(1, tunnels.size(), "one tunnel child: " + tunnels);
        return tunnels.get(0).pid();
    }

    /** What the session logged about how the tunnel ended. */
    private List<String> endings() {
        return captured.list.stream().filter(e -> e.getFormattedMessage().startsWith("tunnel "))
                .flatMap(e -> e.getKeyValuePairs() == null ? java.util.stream.Stream.empty() : e.getKeyValuePairs().stream())
                .filter(kv -> kv.key.equals("status")).map(kv -> Objects.toString(kv.value)).toList();
    }

    @Test
    void stopKillsATunnelThatIgnoresTheStopRequestAndSigtermAndReapsItBeforeReturning() throws Exception {
        try (HelperFixture f = start()) {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());
            long pid = tunnelPid();

            assertTrue(ne.stop().getSuccess());

            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the tunnel is gone and reaped (no zombie) when stop returns");
            assertEquals(List.of("killed by signal 9 (SIGKILL)"), endings());
            assertEquals(SessionState.SESSION_STATE_IDLE, f.helper.sessions().status().getState());
        }
    }

    @Test
    void helperShutdownKillsATunnelThatIgnoresEverythingButSigkillAndReapsIt() throws Exception {
        HelperFixture f = start();
        long pid;
        try {
            var ne = f.extension();
            TunDevice tun = f.tun();
            assertTrue(ne.start(tun.fd()).getSuccess());
            pid = tunnelPid();
        } finally {
            f.close();
        }
        assertFalse(Files.exists(Path.of("/proc/" + pid)), "the tunnel is gone and reaped when the helper has shut down");
        assertEquals(List.of("killed by signal 9 (SIGKILL)"), endings());
    }
}
