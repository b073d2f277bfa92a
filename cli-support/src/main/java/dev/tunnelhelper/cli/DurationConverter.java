package dev.tunnelhelper.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code 5} (seconds), {@code 500ms}, {@code 10s}, {@code 2m}; always longer than zero. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
            }
            if (v.endsWith("s")) {
                return positive(Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1))), value);
            }
            if (v.endsWith("m")) {
                return positive(Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1))), value);
            }
            return positive(Duration.ofSeconds(Long.parseLong(v)), value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 5, 500ms, 10s, 2m)");
        }
    }

    private static Duration positive(Duration d, String value) {
        if (d.isNegative() || d.isZero()) {
            throw new TypeConversionException("'" + value + "' must be longer than zero");
        }
        return d;
    }
}
