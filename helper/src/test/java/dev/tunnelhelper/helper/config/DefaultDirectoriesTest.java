package dev.tunnelhelper.helper.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tunnelhelper.launchd.LaunchdSettings;
import dev.tunnelhelper.shim.NativePlatform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Paths the helper uses when the config names none: Linux's FHS places, macOS's own. */
class DefaultDirectoriesTest {
    private static final NativePlatform MAC = NativePlatform.of("Mac OS X", "aarch64");
    private static final NativePlatform LINUX = NativePlatform.of("Linux", "amd64");

    @Test
    void macosKeepsEverythingUnderApplicationSupportOfTheBundleAndNothingUnderRun() {
        assertEquals(
                new DefaultDirectories(
                        "/var/run/com.example.App",
                        "/Library/Application Support/com.example.App/bin",
                        "/Library/Application Support/com.example.App/log"),
                DefaultDirectories.of(MAC, LaunchdSettings.of("ABCDE12345", "com.example.App")));
        assertEquals(
                new DefaultDirectories(
                        "/var/run/tunnel-helper",
                        "/Library/Application Support/tunnel-helper/bin",
                        "/Library/Application Support/tunnel-helper/log"),
                DefaultDirectories.of(MAC, null));
    }

    @Test
    void theDefaultConfigFileIsTheBundlesWhenTheCommandLineNamesOneElseThePlatformsPlace() {
        LaunchdSettings app = LaunchdSettings.of("ABCDE12345", "com.example.App");
        assertEquals(
                Path.of("/Library/Application Support/com.example.App/helper.json"),
                DefaultDirectories.configFile(MAC, app));
        assertEquals(
                Path.of("/Library/Application Support/com.example.App/helper.json"),
                DefaultDirectories.configFile(LINUX, app));
        assertEquals(
                Path.of("/Library/Application Support/tunnel-helper/helper.json"),
                DefaultDirectories.configFile(MAC, null));
        assertEquals(Path.of("/etc/tunnel-helper/helper.json"), DefaultDirectories.configFile(LINUX, null));
    }

    @Test
    void linuxUsesRunVarLibAndVarLogWhateverTheMacosSectionSays() {
        DefaultDirectories linux =
                new DefaultDirectories("/run/tunnel-helper", "/var/lib/tunnel-helper", "/var/log/tunnel-helper");
        assertEquals(linux, DefaultDirectories.of(LINUX, null));
        assertEquals(linux, DefaultDirectories.of(LINUX, LaunchdSettings.of("ABCDE12345", "com.example.App")));
    }
}
