package dev.tunnelhelper.testbed.deployment;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** {@code GET /api/v2/buildinfo}: the deployment's version, which the helper compares with the binary's. */
final class BuildInfoHandler {

    static final String PATH = "/api/v2/buildinfo";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String version;
    private final Supplier<String> url;
    private final String deploymentId;

    /** {@code url} is a supplier because the port is only known once the server is bound. */
    BuildInfoHandler(String version, Supplier<String> url, String deploymentIdSeed) {
        this.version = version;
        this.url = url;
        this.deploymentId = UUID.nameUUIDFromBytes(deploymentIdSeed.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    void handle(DeploymentExchange exchange) throws IOException {
        String raw = exchange.behaviour().buildInfoBody();
        if (raw != null) {
            exchange.respond(200, "application/json", raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        String reported = exchange.behaviour().buildInfoVersion() != null
                ? exchange.behaviour().buildInfoVersion()
                : version;
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", reported);
        info.put("external_url", url.get());
        info.put("dashboard_url", url.get());
        info.put("deployment_id", deploymentId);
        info.put("workspace_proxy", false);
        info.put("upgrade_message", "");
        exchange.respond(200, "application/json", JSON.writeValueAsBytes(info));
    }
}
