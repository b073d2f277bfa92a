package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A peer that reconnects in a loop costs a few log lines per minute, not one per attempt. */
class PeerLogThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final PeerLogThrottle throttle = new PeerLogThrottle(3, Duration.ofMinutes(1), now::get);

    @Test
    void aFewLinesPerWindowThenSilenceThenACountOfWhatWasLeftOut() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, throttle.admit(65534));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(-1, throttle.admit(65534));
        }
        assertEquals(0, throttle.admit(1000), "another uid has its own budget");
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertEquals(1000, throttle.admit(65534), "the first line of the next window says how many were left out");
        assertEquals(0, throttle.admit(65534));
    }

    @Test
    void theWindowEndsExactlyAMinuteAfterItsFirstLine() {
        for (int i = 0; i < 4; i++) {
            throttle.admit(65534);
        }
        now.addAndGet(Duration.ofMinutes(1).toNanos() - 1);
        assertEquals(-1, throttle.admit(65534), "a nanosecond before the minute is over");
        now.addAndGet(1);
        assertEquals(2, throttle.admit(65534));
    }

    @Test
    void ofMoreThan1024UsersTheLeastRecentlySeenIsForgotten() {
        for (int i = 0; i < 4; i++) {
            throttle.admit(65534);
        }
        for (long uid = 1; uid < 1024; uid++) {
            throttle.admit(uid);
        }
        assertEquals(-1, throttle.admit(65534), "1024 users are remembered");
        throttle.admit(2000);
        assertEquals(-1, throttle.admit(65534), "the 1025th pushed out uid 1, seen least recently, not the first seen");
        for (long uid = 2; uid < 1024; uid++) {
            throttle.admit(uid);
        }
        throttle.admit(2000);
        throttle.admit(3000);
        assertEquals(0, throttle.admit(65534), "now 65534 was the least recently seen: forgotten, a fresh budget");
    }
}
