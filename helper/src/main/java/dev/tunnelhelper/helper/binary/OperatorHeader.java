package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.PeerText;
import java.util.Objects;
import java.util.Optional;

/**
 * A literal header the operator configured for every request to the deployment. The value is
 * often a credential, so {@link #toString()} shows only the name.
 */
public record OperatorHeader(String name, String value) {

    public OperatorHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Optional<String> problem = problem(name, value);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
    }

    /**
     * What is wrong with a header, or empty: a name must be an HTTP token (no spaces, controls,
     * colons or non-ASCII); a value may hold no control character at all (CR and LF would let it
     * inject further headers; none has a legitimate use). The message names the header (escaped)
     * and never quotes the value, which is often a credential.
     */
    public static Optional<String> problem(String name, String value) {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 127 || c == ':')) {
            return Optional.of("invalid header name: '" + PeerText.of(name) + "'");
        }
        if (value.chars().anyMatch(c -> c < ' ' || c == 127)) {
            return Optional.of("header '" + name + "' has a control character in its value");
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return name + "=<redacted>";
    }
}
