package dev.tunnelhelper.protocol.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the fuzz tests hold every error message to: peer text in it is escaped and capped (PeerText). */
public final class OneLine {
    private OneLine() {}

    /** One printable line of bounded length: no control, line or paragraph separator character. */
    public static void assertOneLine(String message) {
        assertTrue(
                message.chars()
                        .noneMatch(c ->
                                c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029'),
                () -> "control character in: " + message);
        assertTrue(message.length() < 2_000, () -> "an error of " + message.length() + " characters");
    }
}
