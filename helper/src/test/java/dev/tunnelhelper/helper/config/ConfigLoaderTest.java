package dev.tunnelhelper.helper.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionConfig;
import dev.tunnelhelper.helper.binary.VerificationSettings;
import dev.tunnelhelper.helper.session.SessionSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyObjectGivesSafeDefaults() throws Exception {
        HelperConfig c = ConfigLoader.parse("{}", "test.json");
        assertEquals("/run/tunnel-helper", c.socketDirectory());
        assertEquals("/var/lib/tunnel-helper", c.binaryDirectory());
        assertEquals("2.24.3", c.minimumVersion());
        assertEquals(List.of(), c.verification().ed25519PublicKeys());
        assertEquals(false, c.verification().allowDisablingSignatureValidation(), "never on by default");
        assertEquals(512L * 1024 * 1024, c.download().maxBinaryBytes());
        assertEquals(60, c.download().idleTimeoutSeconds());
        assertEquals(300, c.download().totalTimeoutSeconds());
        assertEquals(1024, c.subscriberQueueDepth());
    }

    @Test
    void theFilesDefaultsAreTheComponentsOwn() throws Exception {
        HelperConfig c = ConfigLoader.parse("{}", "test.json");
        AcquisitionConfig acquisition = c.download()
                .applyTo(AcquisitionConfig.builder(
                        Path.of("/bin-dir"), c.verification().settings()))
                .build();
        AcquisitionConfig defaults = AcquisitionConfig.builder(
                        Path.of("/bin-dir"), c.verification().settings())
                .build();
        assertEquals(defaults, acquisition, "download.* defaults are the acquirer's");
        assertEquals(AcquisitionConfig.DEFAULT_MINIMUM_VERSION, c.minimumVersion());
        assertEquals(
                SessionSettings.builder().build(),
                c.tunnel().sessionSettings().build(),
                "tunnel.* defaults are the session's");
        assertEquals(VerificationSettings.none(), c.verification().settings());
        assertEquals(HelperConfig.defaults(), c, "the builder's defaults are the file's");
    }

    @Test
    void aMissingOptionalFileGivesTheDefaultsAndAMissingRequiredOneIsAnError() throws Exception {
        // Built without Jackson, yet the same as an empty file's parse, to the last default.
        assertEquals(ConfigLoader.parse("{}", "test.json"), ConfigLoader.load(dir.resolve("absent.json"), true));
        ConfigException e =
                assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("absent.json"), false));
        assertEquals("config file " + dir.resolve("absent.json") + " does not exist", e.getMessage());
    }

    @Test
    void anUnknownKeyIsAnErrorThatNamesItWhereverItIs() {
        ConfigException top = assertThrows(
                ConfigException.class, () -> ConfigLoader.parse("{\"minimumVerison\": \"2.25.0\"}", "h.json"));
        assertTrue(
                top.getMessage().startsWith("h.json: unknown key \"minimumVerison\"; known keys here: "),
                top.getMessage());
        assertTrue(top.getMessage().contains("minimumVersion"), top.getMessage());
        ConfigException nested = assertThrows(
                ConfigException.class, () -> ConfigLoader.parse("{\"download\": {\"idleTimeout\": 5}}", "h.json"));
        assertTrue(nested.getMessage().startsWith("h.json: unknown key \"download.idleTimeout\""), nested.getMessage());
        ConfigException tunnel = assertThrows(
                ConfigException.class, () -> ConfigLoader.parse("{\"tunnel\": {\"killGrace\": 5}}", "h.json"));
        assertEquals(
                "h.json: unknown key \"tunnel.killGrace\"; known keys here: handshakeTimeoutMillis, killGraceMillis, "
                        + "networkSettingsTimeoutMillis, rpcTimeoutMillis, startTimeoutMillis, stopTimeoutMillis",
                tunnel.getMessage());
    }

    @Test
    void badValuesAreRejectedWithTheKeyAndTheReason() {
        assertEquals(
                "h.json: \"minimumVersion\" \"latest\" is not a version like 2.24.3",
                assertThrows(
                                ConfigException.class,
                                () -> ConfigLoader.parse("{\"minimumVersion\": \"latest\"}", "h.json"))
                        .getMessage());
        // Found by fuzzing: these passed a looser pattern, then failed at startup with a stack trace.
        for (String bad : new String[] {"v2.24.3+v2(24.3", "2.24.3-", "01.2.3", "2.24.99999999999999999999"}) {
            assertTrue(
                    assertThrows(
                                    ConfigException.class,
                                    () -> ConfigLoader.parse("{\"minimumVersion\": \"" + bad + "\"}", "h.json"))
                            .getMessage()
                            .startsWith("h.json: \"minimumVersion\" "),
                    bad);
        }
        assertEquals(
                "h.json: \"socketDirectory\" \"/run/\\x00x\" is not an absolute path",
                assertThrows(
                                ConfigException.class,
                                () -> ConfigLoader.parse("{\"socketDirectory\": \"/run/\\u0000x\"}", "h.json"))
                        .getMessage());
        assertEquals(
                "h.json: \"verification.pinnedSha256\" \"ABC\" is not 64 lowercase hex digits",
                assertThrows(
                                ConfigException.class,
                                () -> ConfigLoader.parse("{\"verification\": {\"pinnedSha256\": [\"ABC\"]}}", "h.json"))
                        .getMessage());
        assertEquals(
                "h.json: \"download.maxBinaryBytes\" must be positive",
                assertThrows(
                                ConfigException.class,
                                () -> ConfigLoader.parse("{\"download\": {\"maxBinaryBytes\": 0}}", "h.json"))
                        .getMessage());
        for (String key : new String[] {"socketDirectory", "binaryDirectory", "logDirectory"}) {
            assertEquals(
                    "h.json: \"" + key + "\" \"relative/dir\" is not an absolute path",
                    assertThrows(
                                    ConfigException.class,
                                    () -> ConfigLoader.parse("{\"" + key + "\": \"relative/dir\"}", "h.json"))
                            .getMessage(),
                    "the message names the key, as written in the file");
        }
        for (String key : new String[] {
            "handshakeTimeoutMillis",
            "startTimeoutMillis",
            "stopTimeoutMillis",
            "killGraceMillis",
            "rpcTimeoutMillis",
            "networkSettingsTimeoutMillis"
        }) {
            assertEquals(
                    "h.json: \"tunnel." + key + "\" must be positive",
                    assertThrows(
                                    ConfigException.class,
                                    () -> ConfigLoader.parse("{\"tunnel\": {\"" + key + "\": 0}}", "h.json"))
                            .getMessage());
        }
        assertTrue(assertThrows(
                        ConfigException.class,
                        () -> ConfigLoader.parse("{\"subscriberQueueDepth\": \"many\"}", "h.json"))
                .getMessage()
                .startsWith("h.json: bad value at \"subscriberQueueDepth\""));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("{\"tunnel\": ", "h.json"))
                .getMessage()
                .startsWith("h.json: not valid JSON"));
    }

    @Test
    void theMacosSectionWrittenByInstallIsAcceptedAndCheckedStrictly() throws Exception {
        HelperConfig c = ConfigLoader.parse(
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\"}}", "h.json");
        assertEquals("com.example.App.helper", c.macos().label());
        assertEquals("ABCDE12345.com.example.App.HelperNE", c.macos().extensionServiceName());
        ConfigException unknown = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(
                        "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.App\", \"colour\": 1}}",
                        "h.json"));
        assertTrue(unknown.getMessage().startsWith("h.json: unknown key \"macos.colour\""), unknown.getMessage());
        ConfigException bad = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.parse(
                        "{\"macos\": {\"teamId\": \"abc\", \"bundleId\": \"com.example.App\"}}", "h.json"));
        assertTrue(bad.getMessage().startsWith("h.json: bad value at \"macos\""), bad.getMessage());
    }
}
