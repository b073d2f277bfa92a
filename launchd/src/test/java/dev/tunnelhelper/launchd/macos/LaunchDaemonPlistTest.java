package dev.tunnelhelper.launchd.macos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dd.plist.BinaryPropertyListWriter;
import com.dd.plist.NSArray;
import com.dd.plist.NSDictionary;
import com.dd.plist.NSNumber;
import com.dd.plist.NSObject;
import com.dd.plist.NSString;
import com.dd.plist.PropertyListParser;
import dev.tunnelhelper.launchd.InvalidServiceDefinitionException;
import dev.tunnelhelper.launchd.LaunchdSettings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaunchDaemonPlistTest {
    static final LaunchdSettings SETTINGS = LaunchdSettings.of("ABCDE12345", "com.example.App");
    static final String CONFIG = "/Library/Application Support/com.example.App/helper.json";

    @Test
    void legacyPlistRoundTripsWithEveryKeyTyped() throws Exception {
        String xml = new LaunchDaemonPlist(
                        SETTINGS, DaemonProgram.absolute("/Library/PrivilegedHelperTools/th"), CONFIG)
                .toXml();
        NSDictionary root =
                assertInstanceOf(NSDictionary.class, PropertyListParser.parse(xml.getBytes(StandardCharsets.UTF_8)));

        assertEquals(
                Set.of("Label", "Program", "ProgramArguments", "MachServices", "AssociatedBundleIdentifiers"),
                Set.of(root.allKeys()));
        assertEquals("com.example.App.helper", string(root.objectForKey("Label")));
        assertEquals("/Library/PrivilegedHelperTools/th", string(root.objectForKey("Program")));
        assertEquals(
                List.of("/Library/PrivilegedHelperTools/th", "run", "--config", CONFIG),
                strings(root.objectForKey("ProgramArguments")));
        NSDictionary services = assertInstanceOf(NSDictionary.class, root.objectForKey("MachServices"));
        assertEquals(
                Set.of("ABCDE12345.com.example.App.HelperApp", "ABCDE12345.com.example.App.HelperNE"),
                Set.of(services.allKeys()));
        for (String name : services.allKeys()) {
            NSNumber flag = assertInstanceOf(NSNumber.class, services.objectForKey(name));
            assertTrue(flag.isBoolean() && flag.boolValue(), name);
        }
        assertEquals(List.of("com.example.App"), strings(root.objectForKey("AssociatedBundleIdentifiers")));
        assertTrue(xml.contains("<true/>"), "Mach service values must be XML booleans: " + xml);
    }

    @Test
    void bundlePlistUsesRelativeBundleProgramAndLogPaths() throws Exception {
        LaunchdSettings withLogs = new LaunchdSettings(
                "ABCDE12345", "com.example.App", "com.example.App.daemon", "/var/log/th.out", "/var/log/th.err");
        String xml =
                new LaunchDaemonPlist(withLogs, DaemonProgram.inBundle("Contents/MacOS/tunnel-helper"), CONFIG).toXml();
        NSDictionary root = (NSDictionary) PropertyListParser.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertFalse(root.containsKey("Program"));
        assertEquals("Contents/MacOS/tunnel-helper", string(root.objectForKey("BundleProgram")));
        assertEquals("com.example.App.daemon", string(root.objectForKey("Label")));
        assertEquals("/var/log/th.out", string(root.objectForKey("StandardOutPath")));
        assertEquals("/var/log/th.err", string(root.objectForKey("StandardErrorPath")));
        for (String forbidden : List.of("KeepAlive", "RunAtLoad", "UserName")) {
            assertFalse(root.containsKey(forbidden), forbidden);
        }
    }

    @Test
    void withoutAConfigFileTheDaemonGetsTheIdentityItDerivesItsServicesFrom() throws Exception {
        String xml =
                new LaunchDaemonPlist(SETTINGS, DaemonProgram.inBundle("Contents/MacOS/tunnel-helper"), null).toXml();
        NSDictionary root = (NSDictionary) PropertyListParser.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertEquals(
                List.of(
                        "Contents/MacOS/tunnel-helper",
                        "run",
                        "--team-id",
                        "ABCDE12345",
                        "--bundle-id",
                        "com.example.App",
                        "--label",
                        "com.example.App.helper"),
                strings(root.objectForKey("ProgramArguments")));
    }

    @Test
    void binaryEncodingCarriesTheSameDictionary() throws Exception {
        LaunchDaemonPlist plist = new LaunchDaemonPlist(SETTINGS, DaemonProgram.inBundle("Contents/MacOS/th"), CONFIG);
        byte[] binary = BinaryPropertyListWriter.writeToArray(plist.toDictionary());
        assertTrue(Arrays.equals("bplist00".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(binary, 8)));
        assertEquals(plist.toDictionary(), PropertyListParser.parse(binary));
        PlistValidator.validate(binary, SETTINGS);
    }

    @Test
    void rejectsRelativeProgram() {
        InvalidServiceDefinitionException e = assertThrows(
                InvalidServiceDefinitionException.class, () -> DaemonProgram.absolute("bin/tunnel-helper"));
        assertTrue(e.getMessage().startsWith("Program must be an absolute path"), e.getMessage());
        assertThrows(InvalidServiceDefinitionException.class, () -> DaemonProgram.absolute("/opt/../bin/th"));
    }

    @Test
    void rejectsAbsoluteOrEscapingBundleProgram() {
        InvalidServiceDefinitionException e = assertThrows(
                InvalidServiceDefinitionException.class,
                () -> DaemonProgram.inBundle("/Applications/App.app/Contents/MacOS/th"));
        assertTrue(e.getMessage().startsWith("BundleProgram must be relative"), e.getMessage());
        assertThrows(InvalidServiceDefinitionException.class, () -> DaemonProgram.inBundle("../Other.app/th"));
        assertThrows(InvalidServiceDefinitionException.class, () -> DaemonProgram.inBundle(""));
    }

    @Test
    void rejectsRelativeConfigPath() {
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new LaunchDaemonPlist(SETTINGS, DaemonProgram.absolute("/usr/local/bin/th"), "helper.json"));
    }

    private static String string(NSObject value) {
        return assertInstanceOf(NSString.class, value).getContent();
    }

    private static List<String> strings(NSObject value) {
        return Arrays.stream(assertInstanceOf(NSArray.class, value).getArray())
                .map(LaunchDaemonPlistTest::string)
                .toList();
    }
}
