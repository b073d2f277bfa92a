package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS deployments: an operator CA is trusted in addition to the JDK's, and only when configured. */
class TlsTrustTest {

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;
    private DeploymentServer deployment;

    @BeforeEach
    void start() throws Exception {
        fixture = new AcquisitionFixture(tmp);
        deployment = fixture.serve(FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter), true);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void theTestbedsCaConfiguredAsExtraCaIsTrusted() throws Exception {
        assertTrue(deployment.url().startsWith("https://"));
        AcquiredBinary binary = new BinaryAcquirer(fixture.config()
                        .extraCaCertificate(deployment.caCertPath().orElseThrow())
                        .build())
                .acquire(fixture.request());

        assertEquals(deployment.binarySha256(), binary.sha256());
        fixture.assertOnlyInstalled(deployment.binarySha256());
    }

    @Test
    void withoutTheExtraCaTheCertificateIsRejectedClearly() throws Exception {
        AcquisitionException e = assertThrows(
                AcquisitionException.class, () -> fixture.acquirer().acquire(fixture.request()));

        assertEquals(Step.FETCH_INFO, e.step());
        assertTrue(e.getMessage().contains("SSLHandshakeException"), e.getMessage());
        assertTrue(
                e.getMessage().contains("PKIX path building failed")
                        || e.getMessage().contains("unable to find valid certification path"),
                e.getMessage());
        assertEquals(0, deployment.counters().totalRequests());
        fixture.assertBinDirEmpty();
    }

    @Test
    void anExtraCaFileThatHoldsNoCertificateIsReported() throws Exception {
        Path bogus = Files.writeString(tmp.resolve("bogus-ca.pem"), "not a certificate");
        AcquisitionException e = assertThrows(
                AcquisitionException.class,
                () -> new BinaryAcquirer(
                                fixture.config().extraCaCertificate(bogus).build())
                        .acquire(fixture.request()));
        assertTrue(e.getMessage().contains("bogus-ca.pem"), e.getMessage());
    }
}
