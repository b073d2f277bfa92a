package dev.tunnelhelper.testbed.deployment;

import java.util.Objects;

/** A literal header every request must carry, like the operator-configured headers of a real deployment. */
public record RequiredHeader(String name, String value) {

    public RequiredHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':' || c >= 127)) {
            throw new IllegalArgumentException("invalid header name: '" + name + "'");
        }
    }

    /** Parses {@code NAME=VALUE}; the value may be empty and may itself contain {@code =}. */
    public static RequiredHeader parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected NAME=VALUE, got '" + spec + "'");
        }
        return new RequiredHeader(spec.substring(0, eq).trim(), spec.substring(eq + 1));
    }

    @Override
    public String toString() {
        // The value may be a secret in a vendor's setup; keep it out of logs.
        return name + "=<" + value.length() + " chars>";
    }
}
