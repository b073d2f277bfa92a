package dev.tunnelhelper.netext.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

class TokenAndHeaderTest {
    @TempDir
    Path dir;

    private static InputStream stdin(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tokenFromFileOrStdinWithoutTheNewline() throws Exception {
        Path f = Files.writeString(dir.resolve("token"), "secret-token\n");
        assertEquals("secret-token", TokenSource.read(f.toString(), stdin("")));
        assertEquals("from-stdin", TokenSource.read("-", stdin("from-stdin\n")));
    }

    @Test
    void emptyOrMissingTokensAreRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(IOException.class, () -> TokenSource.read(empty.toString(), stdin("")));
        assertThrows(
                IOException.class, () -> TokenSource.read(dir.resolve("missing").toString(), stdin("")));
        assertThrows(IOException.class, () -> TokenSource.read("-", stdin("")));
    }

    @Test
    void headersAreNameEqualsValue() {
        HeaderConverter c = new HeaderConverter();
        var h = c.convert("X-Proxy-Auth=a=b c");
        assertEquals("X-Proxy-Auth", h.getName());
        assertEquals("a=b c", h.getValue());
        assertThrows(TypeConversionException.class, () -> c.convert("novalue"));
        assertThrows(TypeConversionException.class, () -> c.convert("=x"));
        assertThrows(TypeConversionException.class, () -> c.convert("bad name=x"));
    }
}
