package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionProbeTest {

    @TempDir
    Path tmp;

    private Path script(String body) throws Exception {
        Path file = tmp.resolve("probe-" + System.nanoTime());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void readsTheVersionFieldOfTheJsonOutput() throws Exception {
        Path binary = script("[ \"$1 $2\" = 'version --output=json' ] || exit 3\n"
                + "echo '{\"version\": \"v2.24.3+abc\", \"build_time\": \"x\"}'");
        assertEquals("v2.24.3+abc", new VersionProbe(Duration.ofSeconds(5)).reportedVersion(binary));
    }

    @Test
    void theChildGetsOnlyAFixedMinimalEnvironment() throws Exception {
        Path binary = script("echo \"{\\\"version\\\": \\\"$(env | sort | tr '\\n' ' ')\\\"}\"");
        String env =
                new VersionProbe(Duration.ofSeconds(5)).reportedVersion(binary).trim();
        assertTrue(env.contains("PATH=/usr/bin:/bin"), env);
        assertFalse(env.contains("HOME="), env);
        assertFalse(env.contains("JAVA"), env);
    }

    @Test
    void aHangingBinaryIsKilledAtTheTimeout() throws Exception {
        Path binary = script("sleep 30");
        long start = System.nanoTime();
        VerificationException e = assertThrows(
                VerificationException.class, () -> new VersionProbe(Duration.ofMillis(300)).reportedVersion(binary));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
        assertTrue(ms < 5_000, "took " + ms + " ms");
    }

    @Test
    void outputBeyondTheCapIsRefused() throws Exception {
        Path binary = script("head -c 200000 /dev/zero | tr '\\0' 'a'");
        VerificationException e = assertThrows(
                VerificationException.class, () -> new VersionProbe(Duration.ofSeconds(5)).reportedVersion(binary));
        assertEquals("the version output exceeds 65536 bytes", e.getMessage());
    }

    @Test
    void aFailingExitStatusIsReported() throws Exception {
        Path binary = script("echo '{\"version\":\"v1.0.0\"}'; exit 4");
        VerificationException e = assertThrows(
                VerificationException.class, () -> new VersionProbe(Duration.ofSeconds(5)).reportedVersion(binary));
        assertTrue(e.getMessage().endsWith("ended with exit code 4"), e.getMessage());
    }

    @Test
    void outputWithoutAVersionStringIsReported() throws Exception {
        VersionProbe probe = new VersionProbe(Duration.ofSeconds(5));
        assertEquals(
                "the version output is not JSON",
                assertThrows(VerificationException.class, () -> probe.reportedVersion(script("echo 'Coder v2'")))
                        .getMessage());
        assertEquals(
                "the version output has no \"version\" string",
                assertThrows(VerificationException.class, () -> probe.reportedVersion(script("echo '{\"version\":2}'")))
                        .getMessage());
        assertEquals(
                "the version output is not a JSON object",
                assertThrows(VerificationException.class, () -> probe.reportedVersion(script("echo '[1]'")))
                        .getMessage());
    }

    @Test
    void aFileThatCannotBeExecutedIsReported() throws Exception {
        Path notExecutable = Files.writeString(tmp.resolve("plain"), "#!/bin/sh\n");
        VerificationException e = assertThrows(
                VerificationException.class,
                () -> new VersionProbe(Duration.ofSeconds(5)).reportedVersion(notExecutable));
        assertTrue(e.getMessage().startsWith("cannot run plain"), e.getMessage());
    }
}
