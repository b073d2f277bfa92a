package dev.tunnelhelper.testbed.deployment;

import static dev.tunnelhelper.testbed.deployment.TestClients.fetch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryServingTest {

    private static final byte[] BINARY = TestClients.binary(300_000, 42);

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
    void buildInfoReportsVersionAndUrls() throws Exception {
        HttpResponse<byte[]> response = fetch(client, server.url() + "/api/v2/buildinfo");

        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElseThrow());
        JsonNode info = new ObjectMapper().readTree(response.body());
        assertEquals("v2.24.3+testbed", info.get("version").asText());
        assertEquals(server.url(), info.get("external_url").asText());
        assertEquals(server.url(), info.get("dashboard_url").asText());
        assertTrue(server.url().matches("http://127\\.0\\.0\\.1:\\d+"), server.url());
    }

    @Test
    void servesHostBinaryWithSha1EtagAndContentLength() throws Exception {
        HttpResponse<byte[]> response = fetch(client, server.binaryUrl());

        assertEquals(200, response.statusCode());
        assertArrayEquals(BINARY, response.body());
        String sha1 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(BINARY));
        assertEquals(sha1, server.binarySha1());
        assertEquals('"' + sha1 + '"', response.headers().firstValue("ETag").orElseThrow());
        assertEquals(
                BINARY.length,
                response.headers().firstValueAsLong("Content-Length").orElseThrow());
        assertFalse(response.headers().firstValue("Content-Encoding").isPresent());
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(BINARY));
        assertEquals(sha256, server.binarySha256());
    }

    @Test
    void hostPlatformPathFollowsTheJvm() {
        assertEquals(Platform.host().binaryPath(), server.binaryPath());
        assertTrue(server.binaryPath().startsWith("/bin/coder-"));
    }

    @Test
    void matchingIfNoneMatchGets304WithoutBody() throws Exception {
        String etag = '"' + server.binarySha1() + '"';

        HttpResponse<byte[]> response = fetch(client, server.binaryUrl(), "If-None-Match", etag);

        assertEquals(304, response.statusCode());
        assertEquals(0, response.body().length);
        assertEquals(etag, response.headers().firstValue("ETag").orElseThrow());
        assertEquals(1, server.responseCount(server.binaryPath(), 304));
        assertEquals(0, server.responseCount(server.binaryPath(), 200));
    }

    @Test
    void staleIfNoneMatchGetsTheFullBinary() throws Exception {
        HttpResponse<byte[]> response =
                fetch(client, server.binaryUrl(), "If-None-Match", "\"0000000000000000000000000000000000000000\"");

        assertEquals(200, response.statusCode());
        assertArrayEquals(BINARY, response.body());
        assertEquals(1, server.responseCount(server.binaryPath(), 200));
    }

    @Test
    void gzipWhenEnabledAndAccepted() throws Exception {
        server.updateBehaviour(b -> b.withGzip(true));

        HttpResponse<byte[]> response = fetch(client, server.binaryUrl(), "Accept-Encoding", "gzip");

        assertEquals(200, response.statusCode());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals(
                BINARY.length,
                response.headers().firstValueAsLong("X-Original-Content-Length").orElseThrow());
        assertEquals(
                response.body().length,
                response.headers().firstValueAsLong("Content-Length").orElseThrow());
        assertTrue(response.body().length < BINARY.length, "compressed body should be smaller");
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
            assertArrayEquals(BINARY, gz.readAllBytes());
        }
        assertEquals(
                '"' + server.binarySha1() + '"',
                response.headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void noGzipForClientsThatDoNotAskOrWhenDisabled() throws Exception {
        HttpResponse<byte[]> disabled = fetch(client, server.binaryUrl(), "Accept-Encoding", "gzip");
        server.updateBehaviour(b -> b.withGzip(true));
        HttpResponse<byte[]> notAsked = fetch(client, server.binaryUrl());
        HttpResponse<byte[]> refused = fetch(client, server.binaryUrl(), "Accept-Encoding", "gzip;q=0");

        for (HttpResponse<byte[]> response : java.util.List.of(disabled, notAsked, refused)) {
            assertFalse(response.headers().firstValue("Content-Encoding").isPresent());
            assertFalse(
                    response.headers().firstValue("X-Original-Content-Length").isPresent());
            assertArrayEquals(BINARY, response.body());
        }
    }

    @Test
    void unknownPlatformIs404() throws Exception {
        assertEquals(404, fetch(client, server.url() + "/bin/coder-plan9-mips").statusCode());
        assertEquals(404, fetch(client, server.url() + "/bin/coder-linux").statusCode());
        assertEquals(
                404,
                fetch(client, server.url() + "/bin/coder-linux-amd64-extra").statusCode());
        assertEquals(
                404, fetch(client, server.url() + "/bin/coder-plan9-mips.sig").statusCode());
        assertEquals(404, fetch(client, server.url() + "/api/v2/users").statusCode());
    }

    @Test
    void otherKnownPlatformsOnlyWhenConfigured() throws Exception {
        Platform other = Platform.KNOWN.stream()
                .filter(p -> !p.equals(server.platform()))
                .findFirst()
                .orElseThrow();

        assertEquals(404, fetch(client, server.url() + other.binaryPath()).statusCode());

        server.updateBehaviour(b -> b.withServeAllPlatforms(true));
        HttpResponse<byte[]> response = fetch(client, server.url() + other.binaryPath());
        assertEquals(200, response.statusCode());
        assertArrayEquals(BINARY, response.body());
        assertEquals(
                200, fetch(client, server.url() + other.binaryPath() + ".sig").statusCode());
    }

    @Test
    void signatureVerifiesWithPublishedPemKey() throws Exception {
        HttpResponse<byte[]> signature = fetch(client, server.binaryUrl() + ".sig");
        HttpResponse<byte[]> binary = fetch(client, server.binaryUrl());

        assertEquals(200, signature.statusCode());
        assertEquals(64, signature.body().length);
        assertEquals(dir.toAbsolutePath().resolve("signing-key.pub.pem"), server.publicKeyPath());
        PublicKey key = PemKeys.readEd25519PublicKey(server.publicKeyPath());
        assertTrue(PemKeys.verify(key, binary.body(), signature.body()));
        byte[] other = binary.body().clone();
        other[0] ^= 1;
        assertFalse(PemKeys.verify(key, other, signature.body()));
    }

    @Test
    void countsRequestsAndResponsesPerPathAndStatus() throws Exception {
        String path = server.binaryPath();
        String etag = '"' + server.binarySha1() + '"';

        fetch(client, server.binaryUrl());
        fetch(client, server.binaryUrl(), "If-None-Match", etag);
        fetch(client, server.binaryUrl(), "If-None-Match", etag);
        fetch(client, server.url() + "/api/v2/buildinfo");
        fetch(client, server.url() + "/nothing-here?x=1");

        assertEquals(3, server.requestCount(path));
        assertEquals(1, server.responseCount(path, 200));
        assertEquals(2, server.responseCount(path, 304));
        assertEquals(1, server.requestCount("/api/v2/buildinfo"));
        assertEquals(1, server.responseCount("/nothing-here", 404));
        assertEquals(5, server.counters().totalRequests());
        assertEquals(2, server.counters().responseCount(200));

        server.counters().reset();
        assertEquals(0, server.requestCount(path));
        assertEquals(0, server.responseCount(path, 304));
    }

    @Test
    void onlyGetIsAnswered() throws Exception {
        HttpResponse<byte[]> response = client.send(
                TestClients.get(server.binaryUrl())
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(405, response.statusCode());
        assertEquals("GET", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void bindsOnlyTheRequestedHost() {
        assertTrue(server.url().startsWith("http://127.0.0.1:"));
        assertTrue(server.port() > 0);
    }
}
