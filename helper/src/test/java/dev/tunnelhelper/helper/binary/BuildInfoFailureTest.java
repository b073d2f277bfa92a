package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Build info that cannot be used stops acquisition before any binary is requested. */
class BuildInfoFailureTest {

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = AcquisitionFixture.start(tmp);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private AcquisitionException failingAcquire(Step expectedStep) throws Exception {
        AcquisitionException e = assertThrows(
                AcquisitionException.class, () -> fixture.acquirer().acquire(fixture.request()));
        assertEquals(expectedStep, e.step(), e.getMessage());
        DeploymentServer deployment = fixture.deployment;
        assertEquals(0, deployment.requestCount(deployment.binaryPath()), "no binary is requested");
        fixture.assertBinDirEmpty();
        return e;
    }

    @Test
    void garbageJsonIsReportedAsInvalidJson() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoBody("<html>proxy login</html>"));
        AcquisitionException e = failingAcquire(Step.FETCH_INFO);
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
    }

    @Test
    void aMissingVersionIsReported() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoBody("{\"external_url\":\"https://x\"}"));
        AcquisitionException e = failingAcquire(Step.FETCH_INFO);
        assertTrue(e.getMessage().endsWith("has no version"), e.getMessage());
    }

    @Test
    void anEmptyVersionIsReportedAsMissing() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoBody("{\"version\":\"\"}"));
        AcquisitionException e = failingAcquire(Step.FETCH_INFO);
        assertTrue(e.getMessage().endsWith("has no version"), e.getMessage());
    }

    @Test
    void aVersionThatIsNotSemverIsReported() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoVersion("latest"));
        AcquisitionException e = failingAcquire(Step.FETCH_INFO);
        assertTrue(
                e.getMessage().contains("reports version 'latest', which is not a semantic version"), e.getMessage());
    }

    @Test
    void aServerBelowTheMinimumIsRefusedNamingBothVersions() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoVersion("v2.24.2+abc"));
        AcquisitionException e = failingAcquire(Step.MINIMUM_VERSION);
        assertEquals("the deployment runs v2.24.2+abc, below the minimum supported version 2.24.3", e.getMessage());
    }

    @Test
    void aReleaseCandidateOfTheMinimumIsBelowIt() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoVersion("v2.24.3-rc.1"));
        AcquisitionException e = failingAcquire(Step.MINIMUM_VERSION);
        assertTrue(e.getMessage().contains("v2.24.3-rc.1"), e.getMessage());
    }

    @Test
    void aServerErrorOnBuildInfoIsReportedWithItsStatus() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withFailingPath("/api/v2/buildinfo", 502));
        AcquisitionException e = failingAcquire(Step.FETCH_INFO);
        assertTrue(e.getMessage().contains("answered HTTP 502"), e.getMessage());
    }

    @Test
    void anUnreachableDeploymentIsAFetchInfoFailure() throws Exception {
        String url = fixture.deployment.url();
        BinaryAcquirer acquirer = fixture.acquirer();
        fixture.deployment.close();
        fixture.deployment = null;
        AcquisitionException e = assertThrows(
                AcquisitionException.class, () -> acquirer.acquire(AcquisitionRequest.of(url, java.util.List.of())));
        assertEquals(Step.FETCH_INFO, e.step());
        assertTrue(e.getMessage().contains("cannot fetch build info from " + url), e.getMessage());
        fixture.assertBinDirEmpty();
    }
}
