package dev.tunnelhelper.helper.binary;

import static dev.tunnelhelper.protocol.testing.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conditional binary download against whatever a deployment answers: a real loopback
 * HTTP/1.1 server writes a fuzzer-built response (status, Content-Length, Content-Encoding,
 * X-Original-Content-Length, ETag, Location, a gzip or plain body, possibly cut short) to the
 * helper's own HTTP client and downloader. Whatever it is, the outcome is 304-and-installed,
 * or a complete temp file holding exactly the body's content with its hashes, or a one-line
 * download error that leaves nothing behind in the binary directory.
 */
class BinaryDownloadFuzzTest {
    /** Small so the fuzzer reaches it; the rule is the same at 512 MiB. */
    private static final long MAX_BYTES = 4096;

    private static final String INSTALLED_SHA1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";
    private static final int[] STATUSES = {200, 200, 200, 304, 304, 404, 500, 302, 307, 204, 206};

    @TempDir
    static Path root;

    private static RawHttpResponder server;
    private static BinaryDownloader downloader;
    private static BinaryDirectory directory;

    /**
     * While fuzzing, Jazzer's SSRF detector refuses every connection but the one to this test's
     * server. Set per call, as Jazzer asks: its sanitizers load only once fuzzing has begun.
     */
    private static SilentCloseable onlyTheLoopbackServer() {
        int port = server.uri().getPort();
        return BugDetectors.allowNetworkConnections(
                (host, p) -> p == port && (host.equals("127.0.0.1") || host.equals("localhost")));
    }

    @BeforeAll
    static void startServer() throws Exception {
        server = new RawHttpResponder();
        DeploymentHttp http = DeploymentHttp.create(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Optional.empty());
        downloader = new BinaryDownloader(http, MAX_BYTES);
        directory = BinaryDirectory.open(root.resolve("bin"), ProcessIdentity.effectiveUid());
    }

    @AfterAll
    static void stopServer() throws IOException {
        server.close();
    }

    @FuzzTest
    void anyResponseIsANotModifiedACompleteVerifiableTempFileOrAOneLineErrorLeavingNothing(FuzzedDataProvider data)
            throws Exception {
        boolean installed = data.consumeBoolean();
        int status = data.consumeBoolean() ? data.pickValue(STATUSES) : data.consumeInt(200, 599);
        boolean gzip = data.consumeBoolean();
        String encoding = data.pickValue(new String[] {"", "gzip", "identity", " GZip ", "br", "?"});
        if (encoding.equals("?")) {
            encoding = headerText(data);
        }
        byte[] content = data.consumeBytes(data.consumeInt(0, (int) MAX_BYTES + 512));
        byte[] wire = gzip ? gzip(content) : content;
        int sent = data.consumeBoolean() ? wire.length : data.consumeInt(0, wire.length);
        String contentLength = lengthHeader(data, wire.length);
        String originalLength = lengthHeader(data, content.length);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" Fuzzed\r\n");
        header(head, "Content-Length", contentLength);
        header(head, "Content-Encoding", encoding);
        header(head, "X-Original-Content-Length", originalLength);
        String etag = data.consumeBoolean() ? "\"" + INSTALLED_SHA1 + "\"" : headerText(data);
        header(head, "ETag", etag);
        header(
                head,
                "Location",
                data.pickValue(new String[] {"", "/bin/coder", "?"}).replace("?", headerText(data)));
        head.append("Connection: close\r\n\r\n");
        server.respondWith(head.toString().getBytes(StandardCharsets.ISO_8859_1), wire, sent);

        DownloadOutcome outcome;
        try (SilentCloseable allowed = onlyTheLoopbackServer()) {
            outcome = downloader.download(
                    server.uri(),
                    List.of(),
                    installed ? Optional.of(INSTALLED_SHA1) : Optional.empty(),
                    directory,
                    "coder",
                    AcquisitionListener.NONE,
                    () -> candidate -> {});
        } catch (AcquisitionException e) {
            assertEquals(AcquisitionException.Step.DOWNLOAD, e.step(), e.getMessage());
            assertOneLine(e.getMessage());
            assertEquals(List.of(), filesLeft(), "a failed download left files behind");
            return;
        }
        if (outcome instanceof DownloadOutcome.NotModified) {
            assertTrue(installed && status == 304, "NotModified without an installed binary and a 304");
            return;
        }
        DownloadOutcome.Downloaded downloaded = assertInstanceOf(DownloadOutcome.Downloaded.class, outcome);
        byte[] file = Files.readAllBytes(downloaded.tempFile());
        Files.delete(downloaded.tempFile());
        assertEquals(200, status, "a body was accepted from HTTP " + status);
        assertTrue(file.length <= MAX_BYTES, "a body over the cap was accepted");
        // With a Content-Length the body is exactly that many bytes (HTTP/1.1): what the server
        // wrote beyond it is not part of the message. Fewer than announced must have failed.
        long announced = contentLength.isEmpty() ? sent : Long.parseLong(contentLength.trim());
        assertTrue(
                announced <= sent, "a body shorter than its Content-Length (" + announced + ") was accepted: " + sent);
        byte[] body = java.util.Arrays.copyOf(wire, (int) announced);
        boolean decoded = encoding.trim().equalsIgnoreCase("gzip");
        assertArrayEquals(decoded ? gunzip(body) : body, file, "the temp file is not the body's content");
        // The SHA-1 is the one an ETag of the deployment's form states (it only becomes the next
        // If-None-Match), otherwise the content's own.
        String sha1 = etag.trim().matches("\"[0-9a-f]{40}\"") ? etag.trim().substring(1, 41) : digest("SHA-1", file);
        assertEquals(new FileHashes(sha1, digest("SHA-256", file), file.length), downloaded.hashes());
    }

    /** A complete, plain 200 within the cap is always accepted: the checks above are not vacuous. */
    @FuzzTest
    void aCompletePlainBodyWithinTheCapIsAlwaysDownloaded(byte[] content) throws Exception {
        byte[] body = java.util.Arrays.copyOf(content, (int) Math.min(content.length, MAX_BYTES));
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        server.respondWith(head.getBytes(StandardCharsets.ISO_8859_1), body, body.length);
        DownloadOutcome.Downloaded downloaded;
        try (SilentCloseable allowed = onlyTheLoopbackServer()) {
            downloaded = assertInstanceOf(
                    DownloadOutcome.Downloaded.class,
                    downloader.download(
                            server.uri(),
                            List.of(),
                            Optional.of(INSTALLED_SHA1),
                            directory,
                            "coder",
                            AcquisitionListener.NONE,
                            () -> candidate -> {}));
        }
        assertArrayEquals(body, Files.readAllBytes(downloaded.tempFile()));
        Files.delete(downloaded.tempFile());
    }

    private static String lengthHeader(FuzzedDataProvider data, int exact) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> "";
            case 1 -> String.valueOf(exact);
            case 2 -> String.valueOf(data.consumeLong(-2, exact + 2L));
            default -> headerText(data);
        };
    }

    /** Header text a server could send: anything but the line break that would end the header. */
    private static String headerText(FuzzedDataProvider data) {
        return data.consumeString(40).replace('\r', ' ').replace('\n', ' ');
    }

    private static void header(StringBuilder head, String name, String value) {
        if (!value.isEmpty()) {
            head.append(name).append(": ").append(value).append("\r\n");
        }
    }

    private static List<Path> filesLeft() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("bin"))) {
            return files.toList();
        }
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] body) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException e) {
            return fail("a body that is not valid gzip was accepted as gzip: " + e);
        }
    }

    private static String digest(String algorithm, byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }
}
