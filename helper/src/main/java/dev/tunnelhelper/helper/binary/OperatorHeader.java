package dev.tunnelhelper.helper.binary;

import java.util.Objects;

/**
 * A literal header the operator configured for every request to the deployment. The value is
 * often a credential, so {@link #toString()} shows only the name.
 */
public record OperatorHeader(String name, String value) {

    public OperatorHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 127 || c == ':')) {
            throw new IllegalArgumentException("invalid header name: '" + name + "'");
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException("header '" + name + "' has a control character in its value");
        }
    }

    @Override
    public String toString() {
        return name + "=<redacted>";
    }
}
