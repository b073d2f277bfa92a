package dev.tunnelhelper.testbed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TestbedMainTest {

    @TempDir
    Path tmp;

    @Test
    void withoutBinaryFileTheDeploymentServesTheReferenceTunnelAtItsOwnVersion() throws Exception {
        byte[] script = TestbedMain.defaultBinary()
                .orElseThrow()
                .create("v2.30.1+x", "stall-start", "100.120")
                .load();
        String text = new String(script, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.startsWith("#!/bin/sh\n"), text);
        assertTrue(text.contains("'-Dtestbed.tunnel.version=v2.30.1+x'"), text);
        assertTrue(text.contains("'-Dtestbed.tunnel.fault=stall-start'"), text);
        assertTrue(text.contains("'-Dtestbed.tunnel.subnet=100.120'"), text);
        assertTrue(text.contains("dev.tunnelhelper.testbed.tunnel.ReferenceTunnelMain \"$@\""), text);
    }

    @Test
    void anUnknownTunnelFaultIsAClearUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = TestbedMain.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute(
                "deployment", "--listen", "127.0.0.1:0", "--dir", tmp.toString(), "--tunnel-fault", "explode");

        assertEquals(2, exit);
        assertTrue(err.toString().contains("unknown tunnel fault \"explode\""), err.toString());
    }

    @Test
    void subcommandIsRequired() {
        StringWriter err = new StringWriter();
        CommandLine cli = TestbedMain.commandLine();
        cli.setErr(new PrintWriter(err));

        assertEquals(2, cli.execute());
        assertTrue(err.toString().contains("Missing required subcommand"), err.toString());
        assertTrue(err.toString().contains("deployment"), err.toString());
    }

    @Test
    void deploymentRequiresListenAndDir() {
        StringWriter err = new StringWriter();
        CommandLine cli = TestbedMain.commandLine();
        cli.setErr(new PrintWriter(err));

        assertEquals(2, cli.execute("deployment", "--dir", tmp.toString()));
        assertTrue(err.toString().contains("--listen"), err.toString());
    }

    @Test
    void badListenAddressIsAUsageError() throws Exception {
        Path binary = Files.write(tmp.resolve("bin"), new byte[] {1, 2, 3});
        StringWriter err = new StringWriter();
        CommandLine cli = TestbedMain.commandLine();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute(
                "deployment", "--listen", "nope", "--dir", tmp.toString(), "--binary-file", binary.toString());

        assertEquals(2, exit);
        assertTrue(err.toString().contains("HOST:PORT"), err.toString());
    }

    @Test
    void deploymentCommandServesWritesManifestAndStopsOnSigterm() throws Exception {
        byte[] content = "#!/bin/sh\necho pretend tunnel\n".getBytes(StandardCharsets.US_ASCII);
        Path binary = Files.write(tmp.resolve("tunnel.sh"), content);
        Path dir = tmp.resolve("deployment");
        Path stderr = tmp.resolve("stderr.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classpath,
                        TestbedMain.class.getName(),
                        "deployment",
                        "--listen",
                        "127.0.0.1:0",
                        "--dir",
                        dir.toString(),
                        "--binary-file",
                        binary.toString(),
                        "--version",
                        "v2.30.0+cli",
                        "--require-header",
                        "X-Vendor=demo"))
                .redirectError(stderr.toFile())
                .start();
        try {
            String summary;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                summary = out.readLine();
            }
            assertTrue(
                    summary != null && summary.startsWith("testbed deployment http://127.0.0.1:"),
                    summary + "\n" + Files.readString(stderr));

            JsonNode manifest =
                    new ObjectMapper().readTree(dir.resolve("deployment.json").toFile());
            String url = manifest.get("url").asText();
            assertTrue(summary.contains(url), summary);
            assertEquals("v2.30.0+cli", manifest.get("version").asText());
            assertEquals(
                    dir.toAbsolutePath().resolve("signing-key.pub.pem").toString(),
                    manifest.get("public_key").asText());
            assertTrue(manifest.get("binary_path").asText().matches("/bin/coder-[a-z0-9]+-[a-z0-9]+"));
            assertTrue(manifest.get("ca_cert").isNull());

            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            HttpResponse<byte[]> withoutHeader = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/api/v2/buildinfo"))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(403, withoutHeader.statusCode());
            HttpResponse<byte[]> download = client.send(
                    HttpRequest.newBuilder(
                                    URI.create(url + manifest.get("binary_path").asText()))
                            .header("X-Vendor", "demo")
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, download.statusCode());
            assertArrayEquals(content, download.body());
            assertEquals(
                    '"' + manifest.get("binary_sha1").asText() + '"',
                    download.headers().firstValue("ETag").orElseThrow());
        } finally {
            process.destroy();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "testbed did not stop on SIGTERM");
        }
        // 143 = terminated by SIGTERM after the JVM ran its shutdown hooks.
        assertEquals(143, process.exitValue());
        String log = Files.readString(stderr);
        assertTrue(log.contains("stopped"), log);
    }

    @Test
    void tlsFlagPublishesTheCaInTheManifest() throws Exception {
        Path binary = Files.write(tmp.resolve("bin"), new byte[] {9, 8, 7});
        Path dir = tmp.resolve("tls-deployment");
        Path stderr = tmp.resolve("stderr.log");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classpath,
                        TestbedMain.class.getName(),
                        "deployment",
                        "--listen",
                        "127.0.0.1:0",
                        "--dir",
                        dir.toString(),
                        "--binary-file",
                        binary.toString(),
                        "--tls"))
                .redirectError(stderr.toFile())
                .start();
        try {
            String summary;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                summary = out.readLine();
            }
            assertTrue(
                    summary != null && summary.startsWith("testbed deployment https://127.0.0.1:"),
                    summary + "\n" + Files.readString(stderr));
            JsonNode manifest =
                    new ObjectMapper().readTree(dir.resolve("deployment.json").toFile());
            assertEquals(
                    dir.toAbsolutePath().resolve("ca.pem").toString(),
                    manifest.get("ca_cert").asText());
            assertEquals("v2.24.3+testbed", manifest.get("version").asText());
            assertTrue(summary.contains(" ca " + manifest.get("ca_cert").asText()), summary);
        } finally {
            process.destroy();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "testbed did not stop on SIGTERM");
        }
    }
}
