package dev.tunnelhelper.launchd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the {@code "macos"} object out of the helper's JSON config. Other top-level keys belong
 * to the helper, which validates them itself; this module must not reject a config because the
 * helper grew a new field.
 */
final class SettingsReader {
    private final ObjectMapper mapper = new ObjectMapper();

    ObjectNode readMacos(Path config) throws IOException {
        if (!Files.isRegularFile(config)) {
            throw new InvalidServiceDefinitionException("config " + config + " does not exist");
        }
        JsonNode root;
        try {
            root = mapper.readTree(config.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidServiceDefinitionException(
                    "config " + config + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidServiceDefinitionException("config " + config + " must hold a JSON object");
        }
        JsonNode macos = root.get("macos");
        if (macos == null || macos.isNull()) {
            return mapper.createObjectNode();
        }
        if (!macos.isObject()) {
            throw new InvalidServiceDefinitionException("config " + config + ": \"macos\" must be an object");
        }
        return (ObjectNode) macos.deepCopy();
    }

    ObjectMapper mapper() {
        return mapper;
    }
}
