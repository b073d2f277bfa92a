package dev.tunnelhelper.testbed.deployment;

import static dev.tunnelhelper.testbed.deployment.TestClients.fetch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildInfoBodyTest {

    @TempDir
    Path dir;

    @Test
    void rawBuildInfoBodyIsServedVerbatimUntilReset() throws Exception {
        try (DeploymentServer server = DeploymentServer.start(
                DeploymentOptions.builder(dir, BinarySource.bytes("test binary", TestClients.binary(1000, 3)))
                        .build())) {
            String buildInfo = server.url() + "/api/v2/buildinfo";
            server.updateBehaviour(b -> b.withBuildInfoBody("{not json"));

            HttpResponse<byte[]> garbage = fetch(TestClients.http(), buildInfo);

            assertEquals(200, garbage.statusCode());
            assertEquals("{not json", new String(garbage.body(), StandardCharsets.UTF_8));

            server.updateBehaviour(b -> b.withBuildInfoBody(null));
            String honest = new String(fetch(TestClients.http(), buildInfo).body(), StandardCharsets.UTF_8);
            assertTrue(honest.contains("\"version\":\"v2.24.3+testbed\""), honest);
        }
    }
}
