package dev.tunnelhelper.netext.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The API token comes from a file or stdin, never argv (where every user can read it in ps). */
final class TokenSource {
    private static final int MAX_TOKEN_BYTES = 64 * 1024;

    private TokenSource() {}

    /** {@code -} reads stdin. Surrounding whitespace (the file's trailing newline) is dropped. */
    static String read(String tokenFile, InputStream stdin) throws IOException {
        byte[] raw;
        if ("-".equals(tokenFile)) {
            raw = stdin.readNBytes(MAX_TOKEN_BYTES + 1);
        } else {
            Path p = Path.of(tokenFile);
            if (Files.size(p) > MAX_TOKEN_BYTES) {
                throw new IOException("token file " + p + " is larger than " + MAX_TOKEN_BYTES + " bytes");
            }
            raw = Files.readAllBytes(p);
        }
        if (raw.length > MAX_TOKEN_BYTES) {
            throw new IOException("token on stdin is larger than " + MAX_TOKEN_BYTES + " bytes");
        }
        String token = new String(raw, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException(
                    "the token " + ("-".equals(tokenFile) ? "on stdin" : "file " + tokenFile) + " is empty");
        }
        return token;
    }
}
