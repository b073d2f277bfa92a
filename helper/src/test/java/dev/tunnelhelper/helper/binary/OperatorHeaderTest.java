package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tunnelhelper.protocol.PeerText;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * An operator's header (docs/operations.md): a name that is an HTTP token, a value without control
 * characters, each checked at the first character outside, and errors that name the header but
 * never quote its value.
 */
class OperatorHeaderTest {

    @Test
    void aNameIsPrintableAsciiWithoutSpacesOrColons() {
        assertEquals(Optional.empty(), OperatorHeader.problem("!~X-Op", "v"), "'!' and '~' are the token's ends");
        for (String bad : new String[] {"", "X Op", "X:Op", "X\u007fOp", "X\u00e9Op", "X\tOp"}) {
            assertEquals(
                    Optional.of("invalid header name: '" + PeerText.of(bad) + "'"),
                    OperatorHeader.problem(bad, "v"),
                    bad);
        }
    }

    @Test
    void aValueMayHoldSpacesAndAnyPrintableCharacterButNoControl() {
        assertEquals(Optional.empty(), OperatorHeader.problem("X-Op", " a~b é"));
        for (String bad : new String[] {"a\tb", "a\r\nX-Injected: 1", "a\u007f", "\u001f"}) {
            assertEquals(
                    Optional.of("header 'X-Op' has a control character in its value"),
                    OperatorHeader.problem("X-Op", bad));
        }
    }

    @Test
    void aBadHeaderCannotBeMadeAndTheErrorKeepsTheValueOut() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new OperatorHeader("Authorization", "s3cr3t\n"));
        assertEquals("header 'Authorization' has a control character in its value", e.getMessage());
        assertEquals("Authorization=<redacted>", new OperatorHeader("Authorization", "s3cr3t").toString());
    }
}
