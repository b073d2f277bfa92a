package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The verifiers judge what they were fed while the binary streamed to disk, never the file
 * itself: so what they were fed must be exactly the file's bytes, compressed or not.
 */
class StreamedDigestTest {

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;

    @BeforeEach
    void serveALargerBinary() throws Exception {
        fixture = new AcquisitionFixture(tmp);
        byte[] binary = new byte[3 * 1024 * 1024 + 17];
        new Random(14).nextBytes(binary);
        fixture.serve(binary, false);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void theBytesTheChecksSawAreTheFilesBytes(boolean gzip) throws Exception {
        fixture.deployment.updateBehaviour(b -> b.withGzip(gzip));
        MessageDigest fed = MessageDigest.getInstance("SHA-512");
        BinaryCheck recording = new BinaryCheck() {
            @Override
            public void update(byte[] bytes, int offset, int length) {
                fed.update(bytes, offset, length);
            }

            @Override
            public void verify(CandidateBinary candidate) {}
        };
        BinaryDownloader downloader = new BinaryDownloader(
                DeploymentHttp.create(
                        Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), Optional.empty()),
                AcquisitionConfig.DEFAULT_MAX_BINARY_BYTES);
        BinaryDirectory directory = BinaryDirectory.open(fixture.binDir, ProcessIdentity.effectiveUid());

        DownloadOutcome outcome = downloader.download(
                URI.create(fixture.deployment.binaryUrl()),
                List.of(),
                Optional.empty(),
                directory,
                fixture.deployment.platform().binaryName(),
                AcquisitionListener.NONE,
                () -> recording);

        DownloadOutcome.Downloaded downloaded = assertInstanceOf(DownloadOutcome.Downloaded.class, outcome);
        byte[] file = Files.readAllBytes(downloaded.tempFile());
        assertArrayEquals(MessageDigest.getInstance("SHA-512").digest(file), fed.digest());
        assertEquals(FileHasher.hash(downloaded.tempFile()), downloaded.hashes());
        assertEquals(fixture.deployment.binarySha256(), downloaded.hashes().sha256());
    }
}
