package dev.tunnelhelper.helper.binary;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * The top-level {@code "version"} string of a JSON object: all the helper reads from build info
 * and from the binary's {@code version --output=json}. Read with jackson-core's streaming parser,
 * so a start never loads jackson-databind (about 370 classes, a large part of a cold start's
 * time before its first request). Anything after the object is an error; other fields are skipped, nested
 * values included; a repeated field counts as its last occurrence.
 */
final class JsonVersion {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** The input is valid JSON, but not an object. */
    static final class NotAnObjectException extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private JsonVersion() {}

    /** The {@code version} field if it is a string; empty if it is missing or anything else. */
    static Optional<String> read(byte[] json) throws JsonProcessingException, NotAnObjectException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new NotAnObjectException();
            }
            String version = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean isVersion = "version".equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (isVersion) {
                    version = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                }
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "unexpected content after the JSON object");
            }
            return Optional.ofNullable(version);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // Parsing a byte array does no I/O; anything else the parser reports is malformed input.
            throw new JsonParseException(null, e.getMessage(), e);
        }
    }
}
