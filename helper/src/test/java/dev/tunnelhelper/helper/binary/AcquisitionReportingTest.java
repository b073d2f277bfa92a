package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an acquisition reports to its listener, and what a stop (an interrupt) leaves behind. */
class AcquisitionReportingTest {
    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;
    private final List<AcquisitionPhase> phases = new CopyOnWriteArrayList<>();
    private final List<Long> written = new CopyOnWriteArrayList<>();

    private final AcquisitionListener recorder = new AcquisitionListener() {
        @Override
        public void phaseStarted(AcquisitionPhase phase) {
            phases.add(phase);
        }

        @Override
        public void downloaded(long bytesWritten, long totalBytes) {
            written.add(bytesWritten);
        }
    };

    @BeforeEach
    void start() throws Exception {
        fixture = AcquisitionFixture.start(tmp);
    }

    @AfterEach
    void stop() {
        fixture.close();
        Thread.interrupted(); // a test that interrupts itself leaves no flag for the next
    }

    @Test
    void aDownloadReportsEveryPhaseOnceAndItsBytesFromZeroToTheSizeOnce() throws Exception {
        fixture.acquirer().acquire(fixture.request().withListener(recorder));

        long size = fixture.deployment.binarySize();
        assertEquals(
                List.of(AcquisitionPhase.FETCHING_INFO, AcquisitionPhase.DOWNLOADING, AcquisitionPhase.VALIDATING),
                phases);
        assertEquals(0L, written.get(0));
        assertEquals(size, written.get(written.size() - 1));
        assertEquals(1, written.stream().filter(w -> w == size).count(), "the final size is reported once");
    }

    @Test
    void aCachedBinaryGoesThroughDownloadingWithoutReportingBytes() throws Exception {
        BinaryAcquirer acquirer = fixture.acquirer();
        acquirer.acquire(fixture.request());

        AcquiredBinary cached = acquirer.acquire(fixture.request().withListener(recorder));

        assertEquals(false, cached.downloaded());
        assertEquals(
                List.of(AcquisitionPhase.FETCHING_INFO, AcquisitionPhase.DOWNLOADING, AcquisitionPhase.VALIDATING),
                phases);
        assertEquals(List.of(), written, "a 304 transfers no body");
    }

    @Test
    void aFailureEndsThePhasesWhereItHappened() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoVersion("v2.20.0"));

        AcquisitionException e = assertThrows(
                AcquisitionException.class,
                () -> fixture.acquirer().acquire(fixture.request().withListener(recorder)));

        assertEquals(AcquisitionException.Step.MINIMUM_VERSION, e.step());
        assertEquals(List.of(AcquisitionPhase.FETCHING_INFO), phases);
    }

    @Test
    void anInterruptedDownloadFailsAtOnceAndLeavesNothingBehind() throws Exception {
        DeploymentServer slow =
                fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, 1_000_000), false);
        slow.updateBehaviour(b -> b.withThrottle(100_000));

        AcquisitionException e = assertThrows(
                AcquisitionException.class,
                () -> fixture.acquirer()
                        .acquire(fixture.request()
                                .withListener(AcquisitionFixture.onDownloaded(
                                        (bytes, total) -> Thread.currentThread().interrupt()))));

        assertEquals(AcquisitionException.Step.DOWNLOAD, e.step());
        assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
        fixture.assertBinDirEmpty();
    }

    @Test
    void anInterruptedCheckKeepsTheInstalledBinary() throws Exception {
        fixture.acquirer().acquire(fixture.request());
        AcquisitionListener stopDuringTheCheck = new AcquisitionListener() {
            @Override
            public void phaseStarted(AcquisitionPhase phase) {
                if (phase == AcquisitionPhase.VALIDATING) {
                    Thread.currentThread().interrupt();
                }
            }
        };

        // A new acquirer has no verification cache: it checks the installed binary again, and is interrupted doing so.
        assertThrows(
                AcquisitionException.class,
                () -> fixture.acquirer().acquire(fixture.request().withListener(stopDuringTheCheck)));

        fixture.assertOnlyInstalled(fixture.deployment.binarySha256());
    }
}
