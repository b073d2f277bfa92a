package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What build info and the version probe accept as "the version": the top-level string field only. */
class JsonVersionTest {

    private static Optional<String> read(String json) throws Exception {
        return JsonVersion.read(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTopLevelVersionStringIsReadPastFieldsOfEveryShape() throws Exception {
        assertEquals(
                Optional.of("v2.24.3+abc"),
                read(
                        "{\"external_url\":\"https://x\",\"n\":1,\"ok\":true,\"none\":null,"
                                + "\"list\":[1,{\"version\":\"v9\"}],\"nested\":{\"version\":\"v8\"},\"version\":\"v2.24.3+abc\"}\n"));
    }

    @Test
    void aVersionOnlyInsideANestedObjectIsNoVersion() throws Exception {
        assertEquals(Optional.empty(), read("{\"build\":{\"version\":\"v2.24.3\"}}"));
    }

    @Test
    void aVersionThatIsNotAStringIsNoVersion() throws Exception {
        assertEquals(Optional.empty(), read("{\"version\":2}"));
        assertEquals(Optional.empty(), read("{\"version\":{\"major\":2}}"));
    }

    @Test
    void aRepeatedVersionCountsAsItsLastOccurrence() throws Exception {
        assertEquals(Optional.of("v2"), read("{\"version\":\"v1\",\"version\":\"v2\"}"));
    }

    @Test
    void contentAfterTheObjectIsMalformed() {
        assertThrows(JsonProcessingException.class, () -> read("{\"version\":\"v2.24.3\"} {\"version\":\"v9\"}"));
        assertThrows(JsonProcessingException.class, () -> read("{\"version\":\"v2.24.3\"} trailing"));
    }

    @Test
    void malformedJsonIsMalformedAndOtherJsonIsNotAnObject() {
        assertThrows(JsonProcessingException.class, () -> read("<html>proxy login</html>"));
        assertThrows(JsonProcessingException.class, () -> read("{\"version\":\"v2.24.3\""));
        assertThrows(JsonVersion.NotAnObjectException.class, () -> read("[\"v2.24.3\"]"));
        assertThrows(JsonVersion.NotAnObjectException.class, () -> read("\"v2.24.3\""));
        assertThrows(JsonVersion.NotAnObjectException.class, () -> read(""));
    }
}
