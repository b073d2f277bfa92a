package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import dev.tunnelhelper.testbed.deployment.RequiredHeader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The successful paths: fresh download, 304 with cached verification, updates, gzip, progress, headers. */
class BinaryAcquirerTest {

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

    @Test
    void firstAcquireDownloadsVerifiesProbesAndInstallsAnExecutableRootOwnedBinary() throws Exception {
        AcquiredBinary binary = fixture.acquirer().acquire(fixture.request());

        DeploymentServer deployment = fixture.deployment;
        assertEquals(fixture.installedPath(), binary.path());
        assertTrue(binary.downloaded());
        assertFalse(binary.signatureValidationDisabled());
        assertEquals(AcquisitionFixture.VERSION, binary.serverVersion());
        assertEquals(deployment.binarySha256(), binary.sha256());
        fixture.assertOnlyInstalled(deployment.binarySha256());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(binary.path())));
        assertEquals(ProcessIdentity.effectiveUid(), Files.getAttribute(binary.path(), "unix:uid"));
        assertEquals(1, fixture.probes());
        assertEquals(1, deployment.responseCount(deployment.binaryPath() + ".sig", 200));
    }

    @Test
    void unchangedBinaryGets304AndIsNeitherRehashedNorReprobed() throws Exception {
        BinaryAcquirer acquirer = fixture.acquirer();
        acquirer.acquire(fixture.request());

        AcquiredBinary second = acquirer.acquire(fixture.request());

        DeploymentServer deployment = fixture.deployment;
        assertFalse(second.downloaded());
        assertEquals(deployment.binarySha256(), second.sha256());
        assertEquals(1, deployment.responseCount(deployment.binaryPath(), 304));
        assertEquals(1, deployment.requestCount(deployment.binaryPath() + ".sig"), "signature fetched once");
        assertEquals(1, fixture.probes(), "the version probe must not run again for a verified, unchanged binary");
        fixture.assertOnlyInstalled(deployment.binarySha256());
    }

    @Test
    void aNewHelperProcessRechecksTheInstalledBinaryButDoesNotDownloadIt() throws Exception {
        fixture.acquirer().acquire(fixture.request());

        AcquiredBinary afterRestart = fixture.acquirer().acquire(fixture.request());

        assertFalse(afterRestart.downloaded());
        assertEquals(1, fixture.deployment.responseCount(fixture.deployment.binaryPath(), 304));
        assertEquals(2, fixture.probes(), "the cache is in memory: a new process verifies again");
        assertEquals(2, fixture.deployment.requestCount(fixture.deployment.binaryPath() + ".sig"));
    }

    @Test
    void aChangedBinaryOnTheServerIsDownloadedAndFullyCheckedAgain() throws Exception {
        BinaryAcquirer acquirer = fixture.acquirer();
        acquirer.acquire(fixture.request());
        DeploymentServer updated =
                fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, 4096), false);

        AcquiredBinary second = acquirer.acquire(fixture.request());

        assertTrue(second.downloaded());
        assertEquals(updated.binarySha256(), second.sha256());
        assertEquals(1, updated.responseCount(updated.binaryPath(), 200));
        assertEquals(1, updated.requestCount(updated.binaryPath() + ".sig"));
        assertEquals(2, fixture.probes());
        fixture.assertOnlyInstalled(updated.binarySha256());
    }

    @Test
    void aFileAlteredOnDiskIsRehashedAndReplacedByTheServersBinary() throws Exception {
        BinaryAcquirer acquirer = fixture.acquirer();
        acquirer.acquire(fixture.request());
        Files.writeString(fixture.installedPath(), "#!/bin/sh\necho altered\n");

        AcquiredBinary second = acquirer.acquire(fixture.request());

        assertTrue(second.downloaded(), "the altered file's SHA-1 no longer matches the ETag");
        // The download has the content verified before: cached per SHA-256, so no second probe.
        assertEquals(1, fixture.probes());
        fixture.assertOnlyInstalled(fixture.deployment.binarySha256());
    }

    @Test
    void gzipTransfersAreDecompressedAndHashedAsThePlainFile() throws Exception {
        DeploymentServer deployment =
                fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, 300_000), false);
        deployment.updateBehaviour(b -> b.withGzip(true));

        AcquiredBinary binary = fixture.acquirer().acquire(fixture.request());

        assertEquals(deployment.binarySha256(), binary.sha256());
        fixture.assertOnlyInstalled(deployment.binarySha256());
        assertEquals(deployment.binarySize(), Files.size(binary.path()));
    }

    @Test
    void progressIsThrottledAndEndsWithTheFullSize() throws Exception {
        DeploymentServer deployment =
                fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, 1_000_000), false);
        deployment.updateBehaviour(b -> b.withThrottle(4_000_000));
        List<long[]> reports = new CopyOnWriteArrayList<>();
        long started = System.nanoTime();

        fixture.acquirer()
                .acquire(fixture.request()
                        .withListener(AcquisitionFixture.onDownloaded(
                                (written, total) -> reports.add(new long[] {written, total, System.nanoTime()}))));

        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        long size = deployment.binarySize();
        long[] last = reports.get(reports.size() - 1);
        assertEquals(size, last[0]);
        assertEquals(size, last[1], "the total comes from Content-Length");
        for (int i = 1; i < reports.size(); i++) {
            assertTrue(reports.get(i)[0] >= reports.get(i - 1)[0], "progress never goes backwards");
        }
        assertTrue(reports.size() >= 3, "a quarter-second download reports along the way: " + reports.size());
        // At most one report per 10 ms, plus the first and the final one.
        assertTrue(reports.size() <= elapsedMs / 10 + 2, reports.size() + " reports in " + elapsedMs + " ms");
        for (int i = 2; i < reports.size() - 1; i++) {
            assertTrue(
                    reports.get(i)[2] - reports.get(i - 1)[2] >= ProgressThrottle.INTERVAL_NANOS,
                    "reports " + (i - 1) + " and " + i + " less than 10 ms apart");
        }
    }

    @Test
    void operatorHeadersAreSentOnEveryRequest() throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withRequiredHeader(new RequiredHeader("X-Operator", "v@lue")));

        fixture.acquirer()
                .acquire(AcquisitionRequest.of(
                        fixture.deployment.url(), List.of(new OperatorHeader("X-Operator", "v@lue"))));

        DeploymentServer deployment = fixture.deployment;
        assertEquals(0, deployment.counters().responseCount(403));
        assertEquals(1, deployment.responseCount("/api/v2/buildinfo", 200));
        assertEquals(1, deployment.responseCount(deployment.binaryPath(), 200));
        assertEquals(1, deployment.responseCount(deployment.binaryPath() + ".sig", 200));
    }

    @Test
    void aPinnedSha256AloneIsEnoughAndNoSignatureIsFetched() throws Exception {
        DeploymentServer deployment = fixture.deployment;
        BinaryAcquirer acquirer = new BinaryAcquirer(fixture.config(VerificationSettings.pinnedSha256(
                        List.of(deployment.binarySha256().toUpperCase(java.util.Locale.ROOT))))
                .build());

        AcquiredBinary binary = acquirer.acquire(fixture.request());

        assertEquals(deployment.binarySha256(), binary.sha256());
        assertEquals(0, deployment.requestCount(deployment.binaryPath() + ".sig"));
        assertEquals(1, fixture.probes());
    }

    @Test
    void explicitlyDisabledSignatureValidationStillProbesAndIsReported() throws Exception {
        DeploymentServer deployment = fixture.deployment;
        deployment.updateBehaviour(b -> b.withFailingPath(deployment.binaryPath() + ".sig", 404));
        BinaryAcquirer acquirer = new BinaryAcquirer(
                fixture.config(VerificationSettings.none().withAllowDisablingSignatureValidation(true))
                        .build());

        AcquiredBinary binary = acquirer.acquire(fixture.request().withDisableSignatureValidation(true));

        assertTrue(binary.signatureValidationDisabled());
        assertEquals(1, fixture.probes());
        assertEquals(0, deployment.requestCount(deployment.binaryPath() + ".sig"));
        assertTrue(Files.isRegularFile(binary.path(), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aServerVersionChangeWithoutANewBinaryFailsTheVersionCheckAndRemovesTheBinary() throws Exception {
        BinaryAcquirer acquirer = fixture.acquirer();
        acquirer.acquire(fixture.request());
        fixture.deployment.updateBehaviour(b -> b.withBuildInfoVersion("v2.25.0"));

        AcquisitionException e = assertThrows(AcquisitionException.class, () -> acquirer.acquire(fixture.request()));

        assertEquals(AcquisitionException.Step.VERSION_CHECK, e.step());
        assertEquals("version check failed: binary reports v2.24.3+testbed, server is v2.25.0", e.getMessage());
        assertEquals(1, fixture.deployment.responseCount(fixture.deployment.binaryPath(), 304));
        assertEquals(1, fixture.probes(), "the cached probe result decides; the binary is not run again");
        fixture.assertBinDirEmpty();
    }

    @Test
    void anAccessUrlWithCredentialsOrAnotherSchemeIsRefused() {
        for (String url : List.of("ftp://127.0.0.1/", "https://user:pw@127.0.0.1/", "not a url")) {
            AcquisitionException e = assertThrows(
                    AcquisitionException.class,
                    () -> fixture.acquirer().acquire(AcquisitionRequest.of(url, List.of())),
                    url);
            assertEquals(AcquisitionException.Step.FETCH_INFO, e.step());
            assertFalse(e.getMessage().contains("pw@"), e.getMessage());
        }
    }

    @Test
    void aVerifiedCopyIsOfferedOnlyForABinaryThisProcessVerifiedAndOnlyWhileUnchanged() throws Exception {
        List<VerifiedCopy> offered = new CopyOnWriteArrayList<>();
        AcquisitionRequest request = offeringCopiesTo(offered);
        BinaryAcquirer acquirer = fixture.acquirer();

        AcquiredBinary downloaded = acquirer.acquire(request);
        assertEquals(List.of(), offered, "nothing was installed yet");

        AcquiredBinary unchanged = acquirer.acquire(request);
        VerifiedCopy copy = new VerifiedCopy(downloaded.path(), downloaded.sha256());
        assertEquals(List.of(copy), offered);
        assertTrue(copy.confirmedBy(unchanged), "a 304 returns the copy that was offered");
        assertFalse(copy.confirmedBy(downloaded), "a download is never the copy");

        Files.setLastModifiedTime(downloaded.path(), FileTime.fromMillis(0));
        acquirer.acquire(request);
        assertEquals(1, offered.size(), "changed on disk since it was verified");

        fixture.acquirer().acquire(request);
        assertEquals(1, offered.size(), "another helper process never verified it");
    }

    @Test
    void aBinaryInstalledWithoutSignatureValidationIsNoVerifiedCopyForAStartThatValidates() throws Exception {
        List<VerifiedCopy> offered = new CopyOnWriteArrayList<>();
        AcquisitionRequest validating = offeringCopiesTo(offered);
        BinaryAcquirer acquirer =
                new BinaryAcquirer(fixture.config(fixture.pinnedKey().withAllowDisablingSignatureValidation(true))
                        .build());

        acquirer.acquire(fixture.request().withDisableSignatureValidation(true));
        AcquiredBinary checked = acquirer.acquire(validating);

        assertEquals(
                List.of(), offered, "only checked for its version, it was no copy the signature check vouched for");
        assertFalse(checked.signatureValidationDisabled());
        assertFalse(checked.downloaded(), "the installed binary was kept and its signature checked");
    }

    /** The fixture's request, with a listener that records every verified copy offered. */
    private AcquisitionRequest offeringCopiesTo(List<VerifiedCopy> offered) {
        return fixture.request().withListener(new AcquisitionListener() {
            @Override
            public void verifiedCopyFound(VerifiedCopy copy) {
                offered.add(copy);
            }
        });
    }
}
