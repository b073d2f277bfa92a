package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code tunnel-helper doctor} says about the cached binary (docs/operations.md, "doctor"),
 * one answer per case and in the acquisition's order: not there; not a file the helper would run;
 * checks that cannot run; checks that fail; checks that pass, and only then the version, asked of
 * the binary itself. Nothing here needs a deployment: the Ed25519 case without one is the point.
 */
class BinaryDiagnosticsTest {
    private static final String NO_HASH_OF_OURS = "ab".repeat(32);

    @TempDir
    Path dir;

    private Path binary;
    private String sha256;

    @BeforeEach
    void cachedBinary() throws Exception {
        binary = dir.resolve(HostPlatform.current().binaryName());
        Files.write(binary, FakeTunnel.script("2.20.1", dir.resolve("probes")));
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
        sha256 = FileHasher.hash(binary).sha256();
    }

    private static BinaryDiagnostics diagnostics(VerificationSettings settings) {
        return new BinaryDiagnostics(settings, "2.0.0", Optional.empty());
    }

    private BinaryDiagnostics.CachedBinary inspect(VerificationSettings settings) {
        return diagnostics(settings).inspect(dir, Optional.empty());
    }

    @Test
    void aBinaryMatchingAPinIsVerifiedAndAskedForItsVersion() throws Exception {
        assertEquals(
                new BinaryDiagnostics.Verified(binary, sha256, "2.20.1"),
                inspect(VerificationSettings.pinnedSha256(List.of(sha256))));
        assertEquals(1, FakeTunnel.probes(dir.resolve("probes")), "probed exactly once");
    }

    @Test
    void aBinaryMatchingNoPinIsRejectedAndNeverRun() throws Exception {
        assertEquals(
                new BinaryDiagnostics.Rejected(
                        binary, sha256, "SHA-256 " + sha256 + " is not one of the 1 pinned hash(es)"),
                inspect(VerificationSettings.pinnedSha256(List.of(NO_HASH_OF_OURS))));
        assertEquals(0, FakeTunnel.probes(dir.resolve("probes")), "a rejected binary is never run");
    }

    @Test
    void aVerifiedBinaryThatCannotSayItsVersionIsRejectedForThat() throws Exception {
        Files.writeString(binary, "#!/bin/sh\nexit 3\n");
        String hash = FileHasher.hash(binary).sha256();
        BinaryDiagnostics.CachedBinary answer = inspect(VerificationSettings.pinnedSha256(List.of(hash)));
        assertEquals(
                new BinaryDiagnostics.Rejected(
                        binary,
                        hash,
                        "version check failed: '" + binary.getFileName()
                                + " version --output=json' ended with exit code 3"),
                answer);
    }

    @Test
    void anEd25519SignatureWithoutADeploymentToFetchItFromCannotBeChecked() throws Exception {
        Path key = dir.resolve("key.pub.pem");
        byte[] spki = KeyPairGenerator.getInstance("Ed25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        Files.writeString(
                key,
                "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(spki)
                        + "\n-----END PUBLIC KEY-----\n");
        assertEquals(
                new BinaryDiagnostics.Unverifiable(
                        binary, sha256, "its Ed25519 signature is on the deployment: give --url to check it"),
                inspect(VerificationSettings.ed25519(List.of(key))));
    }

    @Test
    void aConfigurationThatCannotVerifyAnythingIsSaidOnceAndTheBinaryIsUnverifiable() {
        BinaryDiagnostics unconfigured = diagnostics(VerificationSettings.none());
        Optional<String> problem = unconfigured.configurationProblem();
        assertEquals(true, problem.isPresent());
        assertEquals(
                new BinaryDiagnostics.Unverifiable(binary, sha256, problem.get()),
                unconfigured.inspect(dir, Optional.empty()));
        assertEquals(
                Optional.empty(),
                diagnostics(VerificationSettings.pinnedSha256(List.of(sha256))).configurationProblem());
    }

    @Test
    void nothingCachedIsAbsent() throws Exception {
        Files.delete(binary);
        assertEquals(new BinaryDiagnostics.Absent(binary), inspect(VerificationSettings.pinnedSha256(List.of(sha256))));
    }

    @Test
    void aLinkOrAFileOthersMayWriteIsNotRunAndSaysWhy() throws Exception {
        VerificationSettings pinned = VerificationSettings.pinnedSha256(List.of(sha256));
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertEquals(new BinaryDiagnostics.Untrusted(binary, "it is writable by group or others"), inspect(pinned));

        Path real = Files.move(binary, dir.resolve("real"));
        Files.createSymbolicLink(binary, real);
        assertEquals(new BinaryDiagnostics.Untrusted(binary, "it is not a regular file"), inspect(pinned));
        assertEquals(0, FakeTunnel.probes(dir.resolve("probes")));
    }
}
