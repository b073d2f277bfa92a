package dev.tunnelhelper.bench;

import dev.tunnelhelper.helper.binary.AcquiredBinary;
import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.helper.binary.AcquisitionRequest;
import dev.tunnelhelper.helper.binary.BinaryAcquirer;
import dev.tunnelhelper.helper.binary.VerificationSettings;
import dev.tunnelhelper.testbed.deployment.BinarySource;
import dev.tunnelhelper.testbed.deployment.DeploymentOptions;
import dev.tunnelhelper.testbed.deployment.DeploymentServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of making a tunnel binary trustworthy, against the floor of merely hashing it.
 * {@code acquireFresh}: one full acquisition from a testbed deployment over loopback — build
 * info, a forced fresh download (streamed to a temp file with SHA-1 + SHA-256, fsync, rename),
 * Ed25519 signature check and the version probe (a process spawn). {@code sha256sumBaseline}:
 * a {@code sha256sum} process over the same bytes already on disk.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class BinaryAcquisitionBenchmark {

    private static final String VERSION = "v2.24.3+bench";

    @Param({"67108864"})
    public int sizeBytes;

    private Path root;
    private Path binDir;
    private Path servedFile;
    private DeploymentServer deployment;
    private AcquisitionConfig config;
    private BinaryAcquirer acquirer;

    @Setup(Level.Trial)
    public void start() throws IOException {
        root = Files.createTempDirectory("acquisition-bench");
        binDir = Files.createDirectory(root.resolve("bin"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        servedFile = root.resolve("served-binary");
        Files.write(servedFile, binary(sizeBytes));
        deployment = DeploymentServer.start(DeploymentOptions.builder(root.resolve("deployment"),
                BinarySource.file(servedFile)).version(VERSION).build());
        config = AcquisitionConfig.builder(binDir, VerificationSettings.ed25519(List.of(deployment.publicKeyPath())))
                .build();
    }

    /** A shell script that answers the probe and exits before the incompressible padding that follows. */
    private static byte[] binary(int size) {
        byte[] head = ("#!/bin/sh\nif [ \"$1\" = version ]; then echo '{\"version\":\"" + VERSION + "\"}'; fi\nexit 0\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return bytes;
    }

    /** No installed binary and an empty verification cache: every acquisition does all the work. */
    @Setup(Level.Invocation)
    public void forgetTheInstalledBinary() throws IOException {
        try (Stream<Path> files = Files.list(binDir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        acquirer = new BinaryAcquirer(config);
    }

    @Benchmark
    public AcquiredBinary acquireFresh() throws Exception {
        AcquiredBinary binary = acquirer.acquire(AcquisitionRequest.of(deployment.url(), List.of()));
        if (!binary.downloaded()) {
            throw new IllegalStateException("expected a fresh download");
        }
        return binary;
    }

    @Benchmark
    public String sha256sumBaseline() throws Exception {
        Process process = new ProcessBuilder("sha256sum", servedFile.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = process.getInputStream()) {
            in.transferTo(out);
        }
        if (process.waitFor() != 0) {
            throw new IllegalStateException("sha256sum failed");
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        deployment.close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
