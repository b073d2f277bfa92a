package dev.tunnelhelper.testbed.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code <binary> version --output=json} as the helper's version probe runs it. */
class TunnelVersionTest {
    @TempDir
    Path dir;

    private String probe(TunnelSettings settings) throws Exception {
        Path launcher = TunnelLauncher.write(dir.resolve("coder"), settings);
        Process p = new ProcessBuilder(launcher.toString(), "version", "--output=json")
                .redirectErrorStream(false)
                .start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new ObjectMapper().readTree(out).get("version").asText();
    }

    @Test
    void reportsTheVersionItWasBuiltWith() throws Exception {
        assertEquals("v2.24.3+testbed", probe(TunnelSettings.defaults()));
        assertEquals("v2.30.0+custom", probe(TunnelSettings.defaults().withVersion("v2.30.0+custom")));
    }

    @Test
    void faultWrongVersionReportsAnotherVersion() throws Exception {
        assertEquals(
                "v0.0.1+wrong-version", probe(TunnelSettings.defaults().withFault(TunnelFault.parse("wrong-version"))));
    }

    @Test
    void faultsParseAndPrintInTheirWireForm() {
        assertEquals(
                "crash-after-start=500",
                TunnelFault.parse("crash-after-start=500").toString());
        assertEquals(
                TunnelFault.Kind.STALL_START, TunnelFault.parse("stall-start").kind());
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> TunnelFault.parse("explode"));
        assertTrue(
                e.getMessage().startsWith("unknown tunnel fault \"explode\"; known: none, crash-after-start"),
                e.getMessage());
    }
}
