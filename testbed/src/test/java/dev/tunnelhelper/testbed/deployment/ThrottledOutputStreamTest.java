package dev.tunnelhelper.testbed.deployment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ThrottledOutputStreamTest {

    @Test
    void passesBytesThroughAtNoMoreThanTheCap() throws Exception {
        byte[] data = TestClients.binary(30_000, 1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();

        long start = System.nanoTime();
        try (ThrottledOutputStream out = new ThrottledOutputStream(sink, 100_000)) {
            out.write(data, 0, 10_000);
            out.write(data[10_000]);
            out.write(data, 10_001, data.length - 10_001);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertArrayEquals(data, sink.toByteArray());
        // 30 kB at 100 kB/s is 300 ms at the least.
        assertTrue(elapsedMillis >= 250, "took only " + elapsedMillis + " ms");
    }

    @Test
    void rejectsNonPositiveRates() {
        assertThrows(IllegalArgumentException.class, () -> new ThrottledOutputStream(new ByteArrayOutputStream(), 0));
    }
}
