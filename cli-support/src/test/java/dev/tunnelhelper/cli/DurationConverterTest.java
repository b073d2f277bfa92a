package dev.tunnelhelper.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter c = new DurationConverter();

    @Test
    void acceptsSecondsMillisAndMinutes() {
        assertEquals(Duration.ofSeconds(5), c.convert("5"));
        assertEquals(Duration.ofMillis(500), c.convert("500ms"));
        assertEquals(Duration.ofSeconds(10), c.convert("10s"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
    }

    @Test
    void rejectsNonsenseAndZero() {
        assertThrows(TypeConversionException.class, () -> c.convert("soon"));
        assertThrows(TypeConversionException.class, () -> c.convert("0"));
        assertThrows(TypeConversionException.class, () -> c.convert("-3s"));
    }
}
