package dev.tunnelhelper.helper.binary;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A response's header fields in the order the server sent them, looked up by name without
 * regard to case (HTTP field names are case-insensitive). Read once, on the thread that received
 * them; immutable after.
 */
final class ResponseHeaders {

    private record Field(String lowerName, String value) {}

    private final List<Field> fields;

    private ResponseHeaders(List<Field> fields) {
        this.fields = List.copyOf(fields);
    }

    /**
     * The fields of a connection whose response has arrived. Index 0 is the status line for the
     * JDK's connection (a field without a name), which is skipped; so is any other nameless one.
     */
    static ResponseHeaders of(HttpURLConnection connection) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; ; i++) {
            String value = connection.getHeaderField(i);
            if (value == null) {
                break;
            }
            String name = connection.getHeaderFieldKey(i);
            if (name != null) {
                fields.add(new Field(name.toLowerCase(Locale.ROOT), value));
            }
        }
        return new ResponseHeaders(fields);
    }

    /** The value of the first field called {@code name}, if the response has one. */
    Optional<String> firstValue(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Field field : fields) {
            if (field.lowerName().equals(lower)) {
                return Optional.of(field.value());
            }
        }
        return Optional.empty();
    }
}
