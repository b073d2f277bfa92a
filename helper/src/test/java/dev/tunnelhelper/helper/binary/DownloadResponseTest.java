package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the downloader makes of responses a deployment should not send: each is refused at
 * DOWNLOAD with a message naming what was wrong, and leaves nothing in the binary directory;
 * what HTTP allows (identity, gzip in any case, a body exactly at the cap) is accepted as the
 * bytes it carries.
 */
class DownloadResponseTest {

    private static final int MAX_BYTES = 1000;
    private static final String INSTALLED_SHA1 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12";

    @TempDir
    Path tmp;

    private RawHttpResponder server;
    private BinaryDownloader downloader;
    private BinaryDirectory directory;

    @BeforeEach
    void start() throws Exception {
        server = new RawHttpResponder();
        DeploymentHttp http = DeploymentHttp.create(
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30), Optional.empty());
        downloader = new BinaryDownloader(http, MAX_BYTES);
        directory = BinaryDirectory.open(tmp.resolve("bin"), ProcessIdentity.effectiveUid());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private DownloadOutcome download(Optional<String> installedSha1) throws AcquisitionException {
        return downloader.download(
                server.uri(), List.of(), installedSha1, directory, "coder", AcquisitionListener.NONE, () -> c -> {});
    }

    private byte[] downloaded() throws Exception {
        DownloadOutcome.Downloaded outcome =
                assertInstanceOf(DownloadOutcome.Downloaded.class, download(Optional.empty()));
        byte[] file = Files.readAllBytes(outcome.tempFile());
        assertEquals(file.length, outcome.hashes().size());
        Files.delete(outcome.tempFile());
        return file;
    }

    private String refused() throws Exception {
        return refused(Optional.empty());
    }

    private String refused(Optional<String> installedSha1) throws Exception {
        AcquisitionException e = assertThrows(AcquisitionException.class, () -> download(installedSha1));
        assertEquals(Step.DOWNLOAD, e.step(), e.getMessage());
        try (Stream<Path> left = Files.list(directory.path())) {
            assertEquals(List.of(), left.toList(), "a refused download left files behind");
        }
        return e.getMessage();
    }

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    @Test
    void aBodyOfExactlyTheCapIsAcceptedAndOneByteMoreIsNot() throws Exception {
        byte[] atCap = content(MAX_BYTES);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Length: " + MAX_BYTES, atCap);
        assertArrayEquals(atCap, downloaded());

        byte[] overCap = content(MAX_BYTES + 1);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Length: " + (MAX_BYTES + 1), overCap);
        assertTrue(refused().contains("announces " + (MAX_BYTES + 1) + " bytes, more than the limit of 1000"));

        // Without a length announced, the cap is found while reading.
        server.respondWith("HTTP/1.1 200 OK", atCap);
        assertArrayEquals(atCap, downloaded());
        server.respondWith("HTTP/1.1 200 OK", overCap);
        assertTrue(refused().contains("sent more than the limit of 1000 bytes"));
    }

    @Test
    void aGzipBodyDecompressingToExactlyTheCapIsAcceptedAndOneByteMoreIsNot() throws Exception {
        byte[] atCap = content(MAX_BYTES);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip", gzip(atCap));
        assertArrayEquals(atCap, downloaded());

        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip", gzip(content(MAX_BYTES + 1)));
        assertTrue(refused().contains("sent more than the limit of 1000 bytes (decompressed)"));
    }

    @Test
    void aCompressedBodyUpToTheCapIsAcceptedAndALargerOneRefusedThoughNoOriginalLengthIsGiven() throws Exception {
        // A gzip member padded with zeros: what follows the member is no second member, and is ignored.
        byte[] atCap = Arrays.copyOf(gzip(content(10)), MAX_BYTES);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + MAX_BYTES, atCap);
        assertArrayEquals(content(10), downloaded());

        byte[] overCap = Arrays.copyOf(atCap, MAX_BYTES + 1);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + overCap.length, overCap);
        assertTrue(refused().contains("announces a body of 1001 bytes, more than the limit of 1000"));
    }

    @Test
    void identityAndGzipInAnyCaseAreUnderstoodAndNothingElse() throws Exception {
        byte[] plain = content(300);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: identity", plain);
        assertArrayEquals(plain, downloaded());

        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding:  GZip ", gzip(plain));
        assertArrayEquals(plain, downloaded());

        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: br", plain);
        assertTrue(refused().contains("used an unsupported Content-Encoding 'br'"));
    }

    @Test
    void aGzipBodyThatIsNotWhatItsOriginalLengthAnnouncedIsRefused() throws Exception {
        byte[] plain = content(300);
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nX-Original-Content-Length: 301", gzip(plain));

        assertTrue(refused()
                .contains("the decompressed binary from " + server.uri()
                        + " has 300 bytes, but the server announced 301"));

        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nX-Original-Content-Length: 300", gzip(plain));
        assertArrayEquals(plain, downloaded());
    }

    @Test
    void aCorruptOrTruncatedGzipBodyIsRefused() throws Exception {
        byte[] compressed = gzip(content(300));
        byte[] corrupt = compressed.clone();
        corrupt[12] ^= (byte) 0xff;
        corrupt[13] ^= (byte) 0xff;
        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip", corrupt);
        assertTrue(refused().contains("is corrupt or truncated"));

        server.respondWith("HTTP/1.1 200 OK\r\nContent-Encoding: gzip", Arrays.copyOf(compressed, 20));
        assertTrue(refused().contains("is corrupt or truncated"));
    }

    @Test
    void aLengthHeaderThatIsNoCountIsRefusedByName() throws Exception {
        server.respondWith(
                "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nX-Original-Content-Length: -1", gzip(content(10)));
        assertTrue(refused().contains("sent an invalid X-Original-Content-Length header"));
    }

    @Test
    void notModifiedIsAnAnswerOnlyToAConditionalRequest() throws Exception {
        server.respondWith("HTTP/1.1 304 Not Modified", new byte[0]);

        assertInstanceOf(DownloadOutcome.NotModified.class, download(Optional.of(INSTALLED_SHA1)));
        assertTrue(refused().contains("answered 304 Not Modified to an unconditional request"));
    }

    @Test
    void theSha1AnETagStatesIsKeptForTheNextConditionalRequestAndAnyOtherETagStatesNone() throws Exception {
        byte[] body = content(100);
        String stated = "0123456789abcdef0123456789abcdef01234567"; // not the body's SHA-1: kept as stated
        server.respondWith("HTTP/1.1 200 OK\r\nETag: \"" + stated + "\"", body);
        assertEquals(stated, downloadedHashes().sha1());

        String computed =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
        for (String etag : List.of(
                "W/\"" + stated + "\"", "\"" + stated.toUpperCase(Locale.ROOT) + "\"", stated, "\"" + stated + "0\"")) {
            server.respondWith("HTTP/1.1 200 OK\r\nETag: " + etag, body);
            assertEquals(computed, downloadedHashes().sha1(), etag);
        }
        server.respondWith("HTTP/1.1 200 OK", body);
        assertEquals(computed, downloadedHashes().sha1(), "no ETag");
    }

    private FileHashes downloadedHashes() throws Exception {
        DownloadOutcome.Downloaded outcome =
                assertInstanceOf(DownloadOutcome.Downloaded.class, download(Optional.empty()));
        Files.delete(outcome.tempFile());
        return outcome.hashes();
    }

    @Test
    void anErrorStatusIsReportedWithThePrintableStartOfItsBody() throws Exception {
        server.respondWith(
                "HTTP/1.1 403 Forbidden", "\u0007 token\texpired \n".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        String message = refused(Optional.of(INSTALLED_SHA1));

        assertTrue(message.endsWith("answered HTTP 403: token expired"), message);
    }

    @Test
    void aDetachedSignatureIsReadWholeUpTo1024BytesAndRefusedBeyond() throws Exception {
        byte[] largest = content(1024);
        server.respondWith("HTTP/1.1 200 OK", largest);
        assertArrayEquals(largest, downloader.fetchSignature(server.uri(), List.of()));

        server.respondWith("HTTP/1.1 200 OK", content(1025));
        TransferException tooLarge =
                assertThrows(TransferException.class, () -> downloader.fetchSignature(server.uri(), List.of()));
        assertTrue(tooLarge.getMessage().contains("is larger than 1024 bytes"), tooLarge.getMessage());

        server.respondWith("HTTP/1.1 404 Not Found", new byte[0]);
        TransferException missing =
                assertThrows(TransferException.class, () -> downloader.fetchSignature(server.uri(), List.of()));
        assertTrue(missing.getMessage().contains("(HTTP 404)"), missing.getMessage());
    }
}
