package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Binaries that arrive intact but must not run. Signature failures happen before anything
 * executes the file (the probe counter stays put); every rejected file is deleted; the previous
 * good binary survives.
 */
class VerificationFailureTest {

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;
    private String goodSha256;
    private DeploymentServer update;

    @BeforeEach
    void installAGoodBinaryThenPublishAnUpdate() throws Exception {
        fixture = AcquisitionFixture.start(tmp);
        fixture.acquirer().acquire(fixture.request());
        goodSha256 = fixture.deployment.binarySha256();
        update = fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, 10_000), false);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private AcquisitionException failingAcquire(AcquisitionConfig config) {
        return assertThrows(AcquisitionException.class, () -> new BinaryAcquirer(config).acquire(fixture.request()));
    }

    private void assertRejectedBeforeExecution(AcquisitionException e, String expected) throws Exception {
        assertEquals(Step.SIGNATURE, e.step(), e.getMessage());
        assertTrue(e.getMessage().startsWith("signature check failed: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, fixture.probes(), "a binary failing its signature check is never executed");
        fixture.assertOnlyInstalled(goodSha256);
    }

    @Test
    void aTamperedBodyWithTheOriginalSignatureIsRejected() throws Exception {
        update.updateBehaviour(b -> b.withTamperedBody(true));
        AcquisitionException e = failingAcquire(fixture.config().build());
        assertRejectedBeforeExecution(e, "does not verify with any of the 1 pinned key(s)");
    }

    @Test
    void aTamperedGzipBodyIsRejectedToo() throws Exception {
        update.updateBehaviour(b -> b.withTamperedBody(true).withGzip(true));
        AcquisitionException e = failingAcquire(fixture.config().build());
        assertRejectedBeforeExecution(e, "does not verify");
    }

    @Test
    void aSignatureFromAKeyThatIsNotPinnedIsRejected() throws Exception {
        Path otherKey = tmp.resolve("other.pub.pem");
        byte[] spki = KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        Files.writeString(
                otherKey,
                "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(spki)
                        + "\n-----END PUBLIC KEY-----\n");
        AcquisitionException e = failingAcquire(
                fixture.config(VerificationSettings.ed25519(List.of(otherKey))).build());
        assertRejectedBeforeExecution(e, "does not verify with any of the 1 pinned key(s)");
    }

    @Test
    void aMissingSignatureFileIsRejected() throws Exception {
        update.updateBehaviour(b -> b.withFailingPath(update.binaryPath() + ".sig", 404));
        AcquisitionException e = failingAcquire(fixture.config().build());
        assertRejectedBeforeExecution(e, "no signature at " + update.binaryUrl() + ".sig (HTTP 404)");
    }

    @Test
    void aBinaryNotMatchingThePinnedSha256IsRejected() throws Exception {
        AcquisitionException e = failingAcquire(fixture.config(VerificationSettings.pinnedSha256(List.of(goodSha256)))
                .build());
        assertRejectedBeforeExecution(e, "is not one of the 1 pinned hash(es)");
    }

    @Test
    void everyConfiguredModeMustPass() throws Exception {
        VerificationSettings keyAndOldPin = VerificationSettings.builder()
                .ed25519PublicKeys(List.of(update.publicKeyPath()))
                .pinnedSha256(List.of(goodSha256))
                .build();
        AcquisitionException e = failingAcquire(fixture.config(keyAndOldPin).build());
        assertRejectedBeforeExecution(e, "pinned hash");
    }

    @Test
    void aBinaryReportingAnotherVersionThanTheServerIsDeletedAfterTheProbe() throws Exception {
        update.updateBehaviour(b -> b.withBuildInfoVersion("v2.24.4+other"));

        AcquisitionException e = failingAcquire(fixture.config().build());

        assertEquals(Step.VERSION_CHECK, e.step());
        assertEquals("version check failed: binary reports v2.24.3+testbed, server is v2.24.4+other", e.getMessage());
        assertEquals(2, fixture.probes(), "the signed update was probed once");
        fixture.assertOnlyInstalled(goodSha256);
    }

    @Test
    void theVersionComparisonIsExactBuildMetadataIncluded() throws Exception {
        update.updateBehaviour(b -> b.withBuildInfoVersion("v2.24.3+otherbuild"));

        AcquisitionException e = failingAcquire(fixture.config().build());

        assertEquals(Step.VERSION_CHECK, e.step());
        assertTrue(
                e.getMessage().contains("binary reports v2.24.3+testbed, server is v2.24.3+otherbuild"),
                e.getMessage());
        fixture.assertOnlyInstalled(goodSha256);
    }

    /**
     * A long-running helper that verified the installed binary keeps that result in its cache;
     * a tampered update must still miss the cache and be rejected, not ride on v1's verdict.
     */
    @Test
    void aHelperThatVerifiedTheInstalledBinaryStillRejectsATamperedUpdate() throws Exception {
        BinaryAcquirer longRunning = new BinaryAcquirer(fixture.config().build());
        fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter), false);
        assertEquals(goodSha256, longRunning.acquire(fixture.request()).sha256(), "v1 verified by this helper");
        long probes = fixture.probes();
        update = fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter, 10_000), false);
        update.updateBehaviour(b -> b.withTamperedBody(true));

        AcquisitionException e = assertThrows(AcquisitionException.class, () -> longRunning.acquire(fixture.request()));

        assertEquals(Step.SIGNATURE, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("does not verify with any of the 1 pinned key(s)"), e.getMessage());
        assertEquals(probes, fixture.probes(), "the tampered update was never executed");
        fixture.assertOnlyInstalled(goodSha256);
    }
}
