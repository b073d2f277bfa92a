package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/** A response whose headers have arrived and whose body is still on the wire. */
record OpenResponse(URI uri, int status, HttpHeaders headers, BodyStream body) implements AutoCloseable {

    OptionalLong longHeader(String name) throws TransferException {
        var value = headers.firstValue(name);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long parsed = Long.parseLong(value.get().trim());
            if (parsed < 0) {
                throw new NumberFormatException("negative");
            }
            return OptionalLong.of(parsed);
        } catch (NumberFormatException e) {
            throw new TransferException(uri + " sent an invalid " + name + " header");
        }
    }

    /** The start of an error body, made safe for a log line: servers often explain a 4xx there. */
    String errorSnippet() {
        try {
            byte[] bytes = body.readNBytes(200);
            String text = new String(bytes, StandardCharsets.UTF_8)
                    .replaceAll("[^\\x20-\\x7e]", " ")
                    .trim();
            return text.isEmpty() ? "" : ": " + text;
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        body.close();
    }
}
