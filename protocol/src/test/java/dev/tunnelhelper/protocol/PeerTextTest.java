package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerTextTest {

    @Test
    void printableTextIsKeptAsItIsNonAsciiIncluded() {
        assertEquals("tunnelhelper app 1.0 grüße /tmp/x.so", PeerText.of("tunnelhelper app 1.0 grüße /tmp/x.so"));
    }

    @Test
    void theC1ControlRangeIsEscapedFromItsFirstToItsLastCharacterAndNoFurther() {
        assertEquals("\\x80 \\x9f \u00a0 ~", PeerText.of("\u0080 \u009f \u00a0 ~"));
    }

    @Test
    void aLineBreakCannotForgeASecondLogLine() {
        String forged = PeerText.of("x\n2026-01-01T00:00:00Z INFO  fake - tunnel-helper ready\r");
        assertFalse(forged.contains("\n") || forged.contains("\r"), forged);
        assertEquals("x\\n2026-01-01T00:00:00Z INFO  fake - tunnel-helper ready\\r", forged);
    }

    @Test
    void controlFormatAndSeparatorCharactersAreEscapedAndBackslashesDoubledSoTheEscapingIsUnambiguous() {
        assertEquals(
                "\\x00\\x1b[31m\\x7f\\x85\\u2028\\u202e\\t\\\\x00",
                PeerText.of("\u0000\u001b[31m\u007f\u0085\u2028\u202e\t\\x00"));
    }

    @Test
    void longTextIsCutAndSaysHowMuchWasLeftOut() {
        String text = PeerText.of("a".repeat(10_000));
        assertTrue(text.startsWith("a".repeat(PeerText.MAX_CHARS) + "…("), text);
        assertTrue(text.endsWith("(9744 more characters)"), text);
    }

    @Test
    void nullIsSpelledOut() {
        assertEquals("null", PeerText.of(null));
    }
}
