package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A response whose headers have arrived and whose body is still on the wire. */
record OpenResponse(URI uri, int status, ResponseHeaders headers, BodyStream body) implements AutoCloseable {

    /** A deployment's binary ETag: the quoted lowercase hex SHA-1 of the file (docs/testbed.md). */
    private static final Pattern SHA1_ETAG = Pattern.compile("\"([0-9a-f]{40})\"");

    /**
     * The SHA-1 of the (uncompressed) content, as the ETag states it, when the ETag has exactly the
     * form a deployment sends; any other ETag (weak, another format, several) states nothing.
     */
    Optional<String> etagSha1() {
        return headers.firstValue("ETag")
                .map(SHA1_ETAG::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1));
    }

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
