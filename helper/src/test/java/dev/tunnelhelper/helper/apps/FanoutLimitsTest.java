package dev.tunnelhelper.helper.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * How far a subscriber may fall behind (docs/security.md, "Bounded input"): at most the message
 * bound queued and the byte bound unwritten, each reached exactly, and one push of any size taken
 * by a subscriber that has written everything.
 */
class FanoutLimitsTest {
    private final FanoutLimits limits = new FanoutLimits(3, 100);

    @Test
    void theMessageBoundIsReachedButNotPassed() {
        assertNull(limits.overflow(2, 0, 1));
        assertEquals("3 messages", limits.overflow(3, 0, 1));
    }

    @Test
    void theByteBoundIsReachedButNotPassed() {
        assertNull(limits.overflow(1, 60, 40));
        assertEquals("100 bytes", limits.overflow(1, 60, 41));
    }

    @Test
    void aSubscriberWithNothingUnwrittenTakesAPushOfAnySize() {
        assertNull(limits.overflow(0, 0, 1_000_000));
        assertEquals("100 bytes", limits.overflow(1, 1, 100));
    }

    @Test
    void bothBoundsMustBePositive() {
        assertEquals(
                "limits must be positive: 0 messages, 1 bytes",
                assertThrows(IllegalArgumentException.class, () -> new FanoutLimits(0, 1))
                        .getMessage());
        assertEquals(
                "limits must be positive: 1 messages, 0 bytes",
                assertThrows(IllegalArgumentException.class, () -> new FanoutLimits(1, 0))
                        .getMessage());
        assertEquals(1, new FanoutLimits(1, 1).messages());
    }
}
