package dev.tunnelhelper.helper.config;

import static dev.tunnelhelper.protocol.testing.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tunnelhelper.helper.binary.SemanticVersion;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Any text in the configuration file is either a configuration every later step can use (its
 * paths are paths, its minimum version parses) or one clear ConfigException naming the key.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest
    void anyConfigFileLoadsIntoAUsableConfigOrOneClearError(byte[] file) {
        HelperConfig config;
        try {
            config = ConfigLoader.parse(new String(file, StandardCharsets.UTF_8), "helper.json");
        } catch (ConfigException e) {
            assertOneLine(e.getMessage());
            return;
        }
        assertDoesNotThrow(() -> ConfigLoader.validate(config, "again"), "an accepted config must stay valid");
        assertDoesNotThrow(
                () -> SemanticVersion.parse(config.minimumVersion()),
                "an accepted minimumVersion must be usable by the binary acquisition");
        for (String dir : new String[] {config.socketDirectory(), config.binaryDirectory(), config.logDirectory()}) {
            assertDoesNotThrow(() -> Path.of(dir), "an accepted directory must be a path");
        }
    }
}
