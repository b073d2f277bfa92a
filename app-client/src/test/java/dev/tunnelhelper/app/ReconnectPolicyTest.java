package dev.tunnelhelper.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    @Test
    void backsOffExponentiallyUpToTheCap() {
        ReconnectPolicy p = ReconnectPolicy.DEFAULT;
        assertEquals(Duration.ofMillis(250), p.delay(0));
        assertEquals(Duration.ofMillis(500), p.delay(1));
        assertEquals(Duration.ofSeconds(4), p.delay(4));
        assertEquals(Duration.ofSeconds(5), p.delay(5));
        assertEquals(Duration.ofSeconds(5), p.delay(500));
    }
}
