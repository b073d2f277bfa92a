package dev.tunnelhelper.testbed.deployment;

import static dev.tunnelhelper.testbed.deployment.TestClients.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultInjectionTest {

    private static final byte[] BINARY = TestClients.binary(200_000, 7);

    @TempDir
    Path dir;

    private DeploymentServer server;
    private final HttpClient client = TestClients.http();

    @BeforeEach
    void start() throws IOException {
        server = DeploymentServer.start(DeploymentOptions.builder(dir, BinarySource.bytes("test binary", BINARY))
                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void requiredHeaderMissingIs403AndPresentIs200() throws Exception {
        server.updateBehaviour(b -> b.withRequiredHeader(RequiredHeader.parse("X-Testbed-Auth=s3cret=yes")));

        HttpResponse<byte[]> missing = fetch(client, server.binaryUrl());
        HttpResponse<byte[]> wrong = fetch(client, server.url() + "/api/v2/buildinfo", "X-Testbed-Auth", "nope");
        HttpResponse<byte[]> present = fetch(client, server.binaryUrl(), "x-testbed-auth", "s3cret=yes");

        assertEquals(403, missing.statusCode());
        String body = new String(missing.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("X-Testbed-Auth"), body);
        assertFalse(body.contains("s3cret"), "the expected value must not leak: " + body);
        assertEquals(403, wrong.statusCode());
        assertEquals(200, present.statusCode());
        assertArrayEquals(BINARY, present.body());

        server.updateBehaviour(b -> b.withRequiredHeader(null));
        assertEquals(200, fetch(client, server.binaryUrl()).statusCode());
    }

    @Test
    void throttleSlowsTheBinaryDown() throws Exception {
        // 200 kB at 400 kB/s cannot take less than about 0.5 s; allow generous slack below.
        server.updateBehaviour(b -> b.withThrottle(400_000));

        long start = System.nanoTime();
        HttpResponse<byte[]> response = fetch(client, server.binaryUrl());
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(200, response.statusCode());
        assertArrayEquals(BINARY, response.body());
        assertTrue(elapsedMillis >= 400, "throttled download took only " + elapsedMillis + " ms");
    }

    @Test
    void injectedStatusForOnePath() throws Exception {
        server.updateBehaviour(b -> b.withFailingPath("/api/v2/buildinfo", 502));

        HttpResponse<byte[]> failed = fetch(client, server.url() + "/api/v2/buildinfo");

        assertEquals(502, failed.statusCode());
        assertEquals(1, server.responseCount("/api/v2/buildinfo", 502));
        assertEquals(200, fetch(client, server.binaryUrl()).statusCode());

        server.updateBehaviour(ServingBehaviour::withoutFailingPaths);
        assertEquals(200, fetch(client, server.url() + "/api/v2/buildinfo").statusCode());
    }

    @Test
    void injectedStatusForEveryBinaryRequest() throws Exception {
        server.updateBehaviour(b -> b.withServeAllPlatforms(true).withBinaryFailure(503));

        for (Platform platform : Platform.KNOWN) {
            assertEquals(
                    503, fetch(client, server.url() + platform.binaryPath()).statusCode());
        }
        assertEquals(200, fetch(client, server.binaryUrl() + ".sig").statusCode());
        assertEquals(200, fetch(client, server.url() + "/api/v2/buildinfo").statusCode());
        assertEquals(Platform.KNOWN.size(), server.counters().responseCount(503));
    }

    @Test
    void cutAfterNBytesTruncatesTheBody() throws Exception {
        int cut = 50_000;
        server.updateBehaviour(b -> b.withCutAfter(cut));

        assertThrows(IOException.class, () -> fetch(client, server.binaryUrl()));

        // Read the stream by hand to see exactly what arrived before the connection dropped.
        HttpResponse<InputStream> streamed =
                client.send(TestClients.get(server.binaryUrl()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, streamed.statusCode());
        assertEquals(
                BINARY.length,
                streamed.headers().firstValueAsLong("Content-Length").orElseThrow());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (InputStream in = streamed.body()) {
            byte[] buffer = new byte[8192];
            IOException failure = assertThrows(IOException.class, () -> {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                }
            });
            assertTrue(
                    received.size() <= cut,
                    "received " + received.size() + " bytes, cut at " + cut + " (" + failure + ")");
        }
        byte[] prefix = java.util.Arrays.copyOf(BINARY, received.size());
        assertArrayEquals(prefix, received.toByteArray());

        server.updateBehaviour(b -> b.withCutAfter(-1));
        assertArrayEquals(BINARY, fetch(client, server.binaryUrl()).body());
    }

    @Test
    void tamperedBodyKeepsEtagButFailsTheSignature() throws Exception {
        server.updateBehaviour(b -> b.withTamperedBody(true));

        HttpResponse<byte[]> response = fetch(client, server.binaryUrl());
        byte[] signature = fetch(client, server.binaryUrl() + ".sig").body();

        assertEquals(200, response.statusCode());
        assertEquals(BINARY.length, response.body().length);
        assertFalse(java.util.Arrays.equals(BINARY, response.body()));
        assertEquals(
                '"' + server.binarySha1() + '"',
                response.headers().firstValue("ETag").orElseThrow());
        String servedSha1 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(response.body()));
        assertFalse(servedSha1.equals(server.binarySha1()));
        assertFalse(PemKeys.verify(PemKeys.readEd25519PublicKey(server.publicKeyPath()), response.body(), signature));
        assertTrue(PemKeys.verify(PemKeys.readEd25519PublicKey(server.publicKeyPath()), BINARY, signature));
    }

    @Test
    void tamperedBodyAlsoWhenGzipped() throws Exception {
        server.updateBehaviour(b -> b.withTamperedBody(true).withGzip(true));

        HttpResponse<byte[]> response = fetch(client, server.binaryUrl(), "Accept-Encoding", "gzip");

        try (var gz = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(response.body()))) {
            byte[] body = gz.readAllBytes();
            assertEquals(BINARY.length, body.length);
            assertFalse(java.util.Arrays.equals(BINARY, body));
        }
    }

    @Test
    void buildInfoVersionOverride() throws Exception {
        server.updateBehaviour(b -> b.withBuildInfoVersion("v2.99.0+elsewhere"));

        HttpResponse<byte[]> response = fetch(client, server.url() + "/api/v2/buildinfo");

        assertEquals(
                "v2.99.0+elsewhere",
                new ObjectMapper().readTree(response.body()).get("version").asText());
        assertEquals("v2.24.3+testbed", server.version());

        server.updateBehaviour(b -> b.withBuildInfoVersion(null));
        HttpResponse<byte[]> restored = fetch(client, server.url() + "/api/v2/buildinfo");
        assertEquals(
                "v2.24.3+testbed",
                new ObjectMapper().readTree(restored.body()).get("version").asText());
    }

    @Test
    void lyingContentLengthMakesTheClientFail() throws Exception {
        server.updateBehaviour(b -> b.withContentLengthExcess(1000));

        HttpResponse<InputStream> streamed =
                client.send(TestClients.get(server.binaryUrl()).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(
                BINARY.length + 1000L,
                streamed.headers().firstValueAsLong("Content-Length").orElseThrow());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (InputStream in = streamed.body()) {
            byte[] buffer = new byte[8192];
            assertThrows(IOException.class, () -> {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    received.write(buffer, 0, n);
                }
            });
        }
        assertTrue(received.size() <= BINARY.length);

        assertThrows(IOException.class, () -> fetch(client, server.binaryUrl()));
    }

    @Test
    void serverKeepsServingAfterDroppedConnections() throws Exception {
        server.updateBehaviour(b -> b.withCutAfter(10));
        for (int i = 0; i < 3; i++) {
            assertThrows(IOException.class, () -> fetch(client, server.binaryUrl()));
        }
        server.setBehaviour(ServingBehaviour.DEFAULT);

        assertArrayEquals(BINARY, fetch(client, server.binaryUrl()).body());
        assertEquals(4, server.requestCount(server.binaryPath()));
    }
}
