package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Loading libc, libcrypto and the shim through JNA starts no program (JNA's own {@code ldconfig -p} included). */
@EnabledOnOs(OS.LINUX)
class JnaSearchTest {

    @Test
    void loadingTheNativeLibrariesStartsNoProcess() throws Exception {
        Process probe = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Djava.security.manager=allow",
                        "-cp",
                        System.getProperty("java.class.path"),
                        JnaSearchProbe.class.getName()))
                .redirectErrorStream(true)
                .start();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, probe.exitValue(), out);
        assertTrue(out.contains("engine libcrypto"), out);
        assertTrue(out.contains("started []"), out);
    }
}
