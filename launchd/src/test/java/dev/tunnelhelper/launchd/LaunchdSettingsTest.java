package dev.tunnelhelper.launchd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LaunchdSettingsTest {
    // Like the helper's mapper: unknown keys are errors.
    private final ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void derivesLabelAndTeamPrefixedServiceNames() {
        LaunchdSettings s = LaunchdSettings.of("ABCDE12345", "com.example.App");
        assertEquals("com.example.App.helper", s.label());
        assertEquals("ABCDE12345.com.example.App.HelperApp", s.appServiceName());
        assertEquals("ABCDE12345.com.example.App.HelperNE", s.extensionServiceName());
    }

    @Test
    void bindsFromJsonAndSerializesOnlyItsFields() throws Exception {
        LaunchdSettings s = strict.readValue(
                "{\"teamId\":\"ABCDE12345\",\"bundleId\":\"com.example.App\",\"standardErrorPath\":\"/var/log/h.err\"}",
                LaunchdSettings.class);
        assertEquals("com.example.App.helper", s.label());
        assertEquals("/var/log/h.err", s.standardErrorPath());
        JsonNode written = strict.valueToTree(s);
        List<String> keys = new ArrayList<>();
        written.fieldNames().forEachRemaining(keys::add);
        // A derived name leaking into the JSON would break the helper's strict re-read of its own config.
        assertEquals(List.of("teamId", "bundleId", "label", "standardOutPath", "standardErrorPath"), keys);
        assertEquals(s, strict.treeToValue(written, LaunchdSettings.class));
    }

    @Test
    void unknownKeysAreRejectedByAStrictMapper() {
        assertThrows(
                UnrecognizedPropertyException.class,
                () -> strict.readValue(
                        "{\"teamId\":\"ABCDE12345\",\"bundleId\":\"com.example.App\",\"keepAlive\":true}",
                        LaunchdSettings.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcde12345", "ABCDE1234", "ABCDE123456", "ABCDE-1234", ""})
    void rejectsBadTeamIds(String teamId) {
        InvalidServiceDefinitionException e = assertThrows(
                InvalidServiceDefinitionException.class, () -> LaunchdSettings.of(teamId, "com.example.App"));
        assertTrue(e.getMessage().contains("teamId"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"App", "com..example", ".com.example", "com.example.", "com/example/App", "com example.App"})
    void rejectsBundleIdsAndLabelsThatAreNotReverseDns(String value) {
        assertThrows(InvalidServiceDefinitionException.class, () -> LaunchdSettings.of("ABCDE12345", value));
        InvalidServiceDefinitionException e = assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new LaunchdSettings("ABCDE12345", "com.example.App", value, null, null));
        assertTrue(e.getMessage().startsWith("label must be reverse-DNS"), e.getMessage());
    }

    @Test
    void rejectsRelativeLogPaths() {
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new LaunchdSettings("ABCDE12345", "com.example.App", null, "helper.log", null));
        assertThrows(
                InvalidServiceDefinitionException.class,
                () -> new LaunchdSettings("ABCDE12345", "com.example.App", null, null, "log/err"));
    }

    @Test
    void jacksonReportsTheValidationMessage() {
        ValueInstantiationException e = assertThrows(
                ValueInstantiationException.class,
                () -> strict.readValue(
                        "{\"teamId\":\"nope\",\"bundleId\":\"com.example.App\"}", LaunchdSettings.class));
        assertTrue(e.getCause().getMessage().contains("teamId must be 10 uppercase"), e.getMessage());
    }
}
