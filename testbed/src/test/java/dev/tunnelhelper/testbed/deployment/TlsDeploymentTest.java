package dev.tunnelhelper.testbed.deployment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsDeploymentTest {

    private static final byte[] BINARY = TestClients.binary(20_000, 3);

    @TempDir
    static Path dir;

    private static DeploymentServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DeploymentServer.start(DeploymentOptions.builder(dir, BinarySource.bytes("test binary", BINARY))
                .tls(true)
                .build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpClient trusting(Path caPem) throws Exception {
        return HttpClient.newBuilder()
                .sslContext(TestCertificateAuthority.clientContextTrusting(caPem))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void clientTrustingTheCaConnects() throws Exception {
        Path ca = server.caCertPath().orElseThrow();
        assertEquals(dir.toAbsolutePath().resolve("ca.pem"), ca);
        assertTrue(Files.readString(ca).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());

        HttpResponse<byte[]> response = TestClients.fetch(trusting(ca), server.binaryUrl());

        assertEquals(200, response.statusCode());
        assertArrayEquals(BINARY, response.body());
    }

    @Test
    void certificateNamesLocalhostToo() throws Exception {
        String localhostUrl = "https://localhost:" + server.port() + "/api/v2/buildinfo";

        HttpResponse<byte[]> response =
                TestClients.fetch(trusting(server.caCertPath().orElseThrow()), localhostUrl);

        assertEquals(200, response.statusCode());
    }

    @Test
    void clientWithoutTheCaFailsTheHandshake() {
        HttpClient defaultTrust =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        assertThrows(
                SSLHandshakeException.class,
                () -> defaultTrust.send(
                        TestClients.get(server.url() + "/api/v2/buildinfo").build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Test
    void clientTrustingAnotherCaFailsTheHandshake(@TempDir Path otherDir) throws Exception {
        TestCertificateAuthority other = TestCertificateAuthority.loadOrCreate(otherDir, "127.0.0.1");

        assertThrows(
                SSLHandshakeException.class,
                () -> trusting(other.caCertPath())
                        .send(
                                TestClients.get(server.url() + "/api/v2/buildinfo")
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray()));
    }

    @Test
    void restartReusesTheCa(@TempDir Path restartDir) throws Exception {
        String firstCa;
        try (DeploymentServer first =
                DeploymentServer.start(DeploymentOptions.builder(restartDir, BinarySource.bytes("b", BINARY))
                        .tls(true)
                        .build())) {
            firstCa = Files.readString(first.caCertPath().orElseThrow());
        }
        try (DeploymentServer second =
                DeploymentServer.start(DeploymentOptions.builder(restartDir, BinarySource.bytes("b", BINARY))
                        .tls(true)
                        .build())) {
            Path ca = second.caCertPath().orElseThrow();
            assertEquals(firstCa, Files.readString(ca));
            HttpResponse<byte[]> response = trusting(ca)
                    .send(
                            TestClients.get(second.url() + "/api/v2/buildinfo").build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
        }
    }

    @Test
    void plainHttpServerHasNoCa(@TempDir Path plainDir) throws Exception {
        try (DeploymentServer plain =
                DeploymentServer.start(DeploymentOptions.builder(plainDir, BinarySource.bytes("b", BINARY))
                        .build())) {
            assertTrue(plain.caCertPath().isEmpty());
            assertTrue(URI.create(plain.url()).getScheme().equals("http"));
        }
    }
}
