package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * A testbed deployment serving a {@link FakeTunnel}, a private binary directory, and an
 * acquisition configuration pinning the deployment's key with short time limits.
 */
final class AcquisitionFixture implements AutoCloseable {

    static final String VERSION = "v2.24.3+testbed";

    final Path root;
    final Path deploymentDir;
    final Path binDir;
    final Path probeCounter;
    DeploymentServer deployment;

    AcquisitionFixture(Path root) throws IOException {
        this.root = root;
        this.deploymentDir = root.resolve("deployment");
        this.binDir = root.resolve("bin");
        this.probeCounter = root.resolve("probe-count");
        Files.createDirectory(
                binDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    static AcquisitionFixture start(Path root) throws IOException {
        AcquisitionFixture fixture = new AcquisitionFixture(root);
        fixture.serve(FakeTunnel.script(VERSION, fixture.probeCounter), false);
        return fixture;
    }

    /** (Re)starts the deployment with new bytes; the signing key in the deployment dir is kept. */
    DeploymentServer serve(byte[] binary, boolean tls) throws IOException {
        return serve(binary, VERSION, tls);
    }

    DeploymentServer serve(byte[] binary, String version, boolean tls) throws IOException {
        if (deployment != null) {
            deployment.close();
        }
        deployment = DeploymentServer.start(
                DeploymentOptions.builder(deploymentDir, BinarySource.bytes("fake tunnel", binary))
                        .version(version)
                        .tls(tls)
                        .build());
        return deployment;
    }

    VerificationSettings pinnedKey() {
        return VerificationSettings.ed25519(List.of(deployment.publicKeyPath()));
    }

    AcquisitionConfig.Builder config() {
        return config(pinnedKey());
    }

    AcquisitionConfig.Builder config(VerificationSettings verification) {
        return AcquisitionConfig.builder(binDir, verification)
                .connectTimeout(Duration.ofSeconds(5))
                .idleTimeout(Duration.ofSeconds(5))
                .totalTimeout(Duration.ofSeconds(30))
                .probeTimeout(Duration.ofSeconds(5));
    }

    BinaryAcquirer acquirer() {
        return new BinaryAcquirer(config().build());
    }

    AcquisitionRequest request() {
        return AcquisitionRequest.of(deployment.url(), List.of());
    }

    /** A listener that hears only the download's progress. */
    static AcquisitionListener onDownloaded(java.util.function.BiConsumer<Long, Long> progress) {
        return new AcquisitionListener() {
            @Override
            public void downloaded(long bytesWritten, long totalBytes) {
                progress.accept(bytesWritten, totalBytes);
            }
        };
    }

    Path installedPath() {
        return binDir.resolve(deployment.platform().binaryName());
    }

    long probes() throws IOException {
        return FakeTunnel.probes(probeCounter);
    }

    /** Names of everything in the binary directory, hidden temp files included. */
    List<String> binDirContents() throws IOException {
        try (Stream<Path> files = Files.list(binDir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    void assertBinDirEmpty() throws IOException {
        assertEquals(List.of(), binDirContents(), "nothing may be left where it could be executed");
    }

    /** Only the installed binary is left, and it still has the expected content. */
    void assertOnlyInstalled(String sha256) throws IOException {
        assertEquals(List.of(installedPath().getFileName().toString()), binDirContents());
        assertEquals(sha256, FileHasher.hash(installedPath()).sha256());
    }

    @Override
    public void close() {
        if (deployment != null) {
            deployment.close();
        }
    }
}
