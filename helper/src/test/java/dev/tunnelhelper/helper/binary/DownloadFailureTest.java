package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.deployment.RequiredHeader;
import dev.tunnelhelper.testbed.deployment.ServingBehaviour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfers that go wrong. Each must fail at DOWNLOAD with a specific message, leave no file
 * behind, leave a previously installed good binary untouched, and not stand in the way of the
 * next acquisition once the fault is gone.
 */
class DownloadFailureTest {

    private static final int SIZE = 200_000;

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;
    private String goodSha256;

    @BeforeEach
    void installAGoodBinaryThenPublishAnUpdate() throws Exception {
        fixture = AcquisitionFixture.start(tmp);
        fixture.acquirer().acquire(fixture.request());
        goodSha256 = fixture.deployment.binarySha256();
        fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, SIZE), false);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private AcquisitionException failingUpdate(UnaryOperator<ServingBehaviour> fault) {
        return failingUpdate(fault, fixture.config().build());
    }

    private AcquisitionException failingUpdate(UnaryOperator<ServingBehaviour> fault, AcquisitionConfig config) {
        fixture.deployment.updateBehaviour(fault);
        return assertThrows(AcquisitionException.class, () -> new BinaryAcquirer(config).acquire(fixture.request()));
    }

    private void assertDownloadFailure(AcquisitionException e, String expected) throws Exception {
        assertEquals(Step.DOWNLOAD, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        fixture.assertOnlyInstalled(goodSha256);
        assertEquals(1, fixture.probes(), "nothing from a failed transfer was executed");

        // The fault gone, the next acquisition installs the update: a failure leaves nothing in the way.
        fixture.deployment.setBehaviour(ServingBehaviour.DEFAULT);
        fixture.acquirer().acquire(fixture.request());
        fixture.assertOnlyInstalled(fixture.deployment.binarySha256());
    }

    @Test
    void notFoundIsReportedWithItsStatus() throws Exception {
        AcquisitionException e = failingUpdate(b -> b.withBinaryFailure(404));
        assertDownloadFailure(e, "answered HTTP 404");
    }

    @Test
    void serverErrorIsReportedWithItsStatus() throws Exception {
        AcquisitionException e = failingUpdate(b -> b.withBinaryFailure(500));
        assertDownloadFailure(e, "answered HTTP 500");
    }

    @Test
    void connectionCutMidBodyIsATruncatedDownload() throws Exception {
        AcquisitionException e = failingUpdate(b -> b.withCutAfter(50_000));
        assertDownloadFailure(e, "broke off after");
    }

    @Test
    void contentLengthPromisingMoreThanIsSentIsATruncatedDownload() throws Exception {
        AcquisitionException e = failingUpdate(b -> b.withContentLengthExcess(1000));
        assertDownloadFailure(e, "broke off after");
    }

    @Test
    void aBodyAnnouncedLargerThanTheCapIsRefusedBeforeItIsRead() throws Exception {
        AcquisitionException e =
                failingUpdate(b -> b, fixture.config().maxBinaryBytes(100_000).build());
        assertDownloadFailure(e, "more than the limit of 100000");
    }

    @Test
    void aGzipBodyWhoseOriginalLengthExceedsTheCapIsRefused() throws Exception {
        AcquisitionException e = failingUpdate(
                b -> b.withGzip(true), fixture.config().maxBinaryBytes(100_000).build());
        assertDownloadFailure(e, "more than the limit of 100000");
    }

    @Test
    void aServerThatStallsLongerThanTheIdleTimeoutIsAbandoned() throws Exception {
        // At 2 bytes/s the testbed sends one byte every 500 ms: silence longer than the 200 ms limit.
        AcquisitionException e = failingUpdate(
                b -> b.withThrottle(2),
                fixture.config().idleTimeout(Duration.ofMillis(200)).build());
        assertDownloadFailure(e, "stalled: no data for 200 ms");
    }

    @Test
    void aTransferLongerThanTheTotalTimeoutIsAbandoned() throws Exception {
        AcquisitionException e = failingUpdate(
                b -> b.withThrottle(100_000),
                fixture.config().totalTimeout(Duration.ofMillis(800)).build());
        assertDownloadFailure(e, "did not finish within the total time limit");
    }

    @Test
    void aMissingRequiredHeaderIsRefusedByTheServer() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withRequiredHeader(new RequiredHeader("X-Operator", "v@lue")));
        AcquisitionException e = assertThrows(
                AcquisitionException.class,
                () -> fixture.acquirer()
                        .acquire(AcquisitionRequest.of(
                                fixture.deployment.url(), List.of(new OperatorHeader("X-Other", "v@lue")))));

        assertEquals(Step.FETCH_INFO, e.step());
        assertTrue(e.getMessage().contains("answered HTTP 403"), e.getMessage());
        assertTrue(
                e.getMessage().contains("X-Operator"), "the server's explanation names the header: " + e.getMessage());
        assertTrue(!e.getMessage().contains("v@lue"), "header values never appear in errors");
        DeploymentServer deployment = fixture.deployment;
        // With a binary installed, its conditional request goes out beside build info; nothing is downloaded.
        assertEquals(0, deployment.responseCount(deployment.binaryPath(), 200));
        assertEquals(0, deployment.requestCount(deployment.binaryPath() + ".sig"));
        fixture.assertOnlyInstalled(goodSha256);
    }
}
