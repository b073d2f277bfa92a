package dev.tunnelhelper.helper.xpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.config.ConfigException;
import dev.tunnelhelper.helper.config.ConfigLoader;
import dev.tunnelhelper.helper.config.HelperConfig;
import dev.tunnelhelper.shim.NativePlatform;
import org.junit.jupiter.api.Test;

/** The optional {@code xpc} config section and when it selects the XPC carrier. */
class XpcConfigTest {
    private static final String REQ = "anchor apple generic and certificate leaf[subject.OU] = \\\"ABCDE12345\\\"";

    private static String xpc(String app, String ne, String appReq, String neReq) {
        return "{\"xpc\": {\"appServiceName\": " + app + ", \"extensionServiceName\": " + ne + ", \"appRequirement\": "
                + appReq + ", \"extensionRequirement\": " + neReq + "}}";
    }

    private static final String VALID = xpc(
            "\"ABCDE12345.com.example.vpn.HelperApp\"",
            "\"ABCDE12345.com.example.vpn.HelperNE\"",
            "\"" + REQ + "\"",
            "\"" + REQ + "\"");

    @Test
    void absentMeansUnixSocketsEverywhere() throws Exception {
        HelperConfig c = ConfigLoader.parse("{}", "h.json");
        assertNull(c.xpc());
        assertFalse(XpcCarrier.selected(NativePlatform.of("Mac OS X", "aarch64"), c));
    }

    @Test
    void aValidSectionIsReadAndSelectsXpcOnlyOnMacos() throws Exception {
        HelperConfig c = ConfigLoader.parse(VALID, "h.json");
        assertEquals("ABCDE12345.com.example.vpn.HelperApp", c.xpc().appServiceName());
        assertEquals("ABCDE12345.com.example.vpn.HelperNE", c.xpc().extensionServiceName());
        assertEquals(
                "anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\"",
                c.xpc().extensionRequirement());
        assertTrue(XpcCarrier.selected(NativePlatform.of("Mac OS X", "x86_64"), c));
        assertFalse(XpcCarrier.selected(NativePlatform.of("Linux", "amd64"), c));
    }

    @Test
    void aMacosSectionAloneSelectsXpcOnMacosWithTheNamesAndRequirementItDerives() throws Exception {
        HelperConfig c = ConfigLoader.parse(
                "{\"macos\": {\"teamId\": \"ABCDE12345\", \"bundleId\": \"com.example.vpn\"}}", "h.json");
        assertTrue(XpcCarrier.selected(NativePlatform.of("Mac OS X", "aarch64"), c));
        assertFalse(XpcCarrier.selected(NativePlatform.of("Linux", "amd64"), c));
        HelperConfig.Xpc x = c.effectiveXpc().orElseThrow();
        assertEquals("ABCDE12345.com.example.vpn.HelperApp", x.appServiceName());
        assertEquals("ABCDE12345.com.example.vpn.HelperNE", x.extensionServiceName());
        assertEquals("anchor apple generic and certificate leaf[subject.OU] = \"ABCDE12345\"", x.appRequirement());
        assertEquals(x.appRequirement(), x.extensionRequirement());
    }

    @Test
    void serviceNamesNeedTheTeamPrefix() {
        String noPrefix = xpc(
                "\"com.example.vpn.HelperApp\"",
                "\"ABCDE12345.com.example.vpn.HelperNE\"",
                "\"" + REQ + "\"",
                "\"" + REQ + "\"");
        assertEquals(
                "h.json: \"xpc.appServiceName\" \"com.example.vpn.HelperApp\" is not a team-prefixed Mach service name"
                        + " like ABCDE12345.com.example.helper.HelperApp",
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(noPrefix, "h.json"))
                        .getMessage());
        String lowercase = xpc(
                "\"ABCDE12345.com.example.vpn.HelperApp\"",
                "\"abcde12345.com.example.vpn.HelperNE\"",
                "\"" + REQ + "\"",
                "\"" + REQ + "\"");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse(lowercase, "h.json"))
                .getMessage()
                .startsWith("h.json: \"xpc.extensionServiceName\" \"abcde12345."));
        String missing = xpc("\"ABCDE12345.com.example.vpn.HelperApp\"", "null", "\"" + REQ + "\"", "\"" + REQ + "\"");
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse(missing, "h.json"))
                .getMessage()
                .startsWith("h.json: \"xpc.extensionServiceName\" is required: a team-prefixed"));
        String same = xpc(
                "\"ABCDE12345.com.example.vpn.Helper\"",
                "\"ABCDE12345.com.example.vpn.Helper\"",
                "\"" + REQ + "\"",
                "\"" + REQ + "\"");
        assertEquals(
                "h.json: \"xpc.extensionServiceName\" must differ from xpc.appServiceName",
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(same, "h.json"))
                        .getMessage());
    }

    @Test
    void requirementsMustBeNonEmpty() {
        String empty = xpc(
                "\"ABCDE12345.com.example.vpn.HelperApp\"",
                "\"ABCDE12345.com.example.vpn.HelperNE\"",
                "\" \"",
                "\"" + REQ + "\"");
        assertEquals(
                "h.json: \"xpc.appRequirement\" must be a non-empty code-signing requirement",
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(empty, "h.json"))
                        .getMessage());
        String absent = xpc(
                "\"ABCDE12345.com.example.vpn.HelperApp\"",
                "\"ABCDE12345.com.example.vpn.HelperNE\"",
                "\"" + REQ + "\"",
                "null");
        assertEquals(
                "h.json: \"xpc.extensionRequirement\" must be a non-empty code-signing requirement",
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(absent, "h.json"))
                        .getMessage());
    }

    @Test
    void unknownKeysInTheSectionAreRejected() {
        assertTrue(assertThrows(
                        ConfigException.class, () -> ConfigLoader.parse("{\"xpc\": {\"appService\": \"x\"}}", "h.json"))
                .getMessage()
                .startsWith("h.json: unknown key \"xpc.appService\""));
    }
}
