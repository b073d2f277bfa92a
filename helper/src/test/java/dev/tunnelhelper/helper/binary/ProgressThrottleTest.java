package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {

    private final AtomicLong clock = new AtomicLong();
    private final List<Long> reported = new ArrayList<>();
    private final ProgressThrottle throttle = new ProgressThrottle(AcquisitionFixture.onDownloaded((written, total) -> reported.add(written)),
            100, clock::get);

    @Test
    void atMostOneReportPerTenMillisecondsPlusTheFinalOne() {
        throttle.update(0);
        clock.addAndGet(3_000_000);
        throttle.update(10);
        clock.addAndGet(6_999_999);
        throttle.update(20);
        clock.addAndGet(1);
        throttle.update(30);
        throttle.update(40);
        throttle.finish(100);

        assertEquals(List.of(0L, 30L, 100L), reported);
    }

    @Test
    void theFinalSizeIsReportedOnceEvenWhenTheLastRegularReportCarriedIt() {
        throttle.update(0);
        clock.addAndGet(10_000_000);
        throttle.update(100);
        throttle.finish(100);

        assertEquals(List.of(0L, 100L), reported);
    }

    @Test
    void aThrowingListenerDoesNotAbortTheDownload() {
        ProgressThrottle failing = new ProgressThrottle(AcquisitionFixture.onDownloaded((written, total) -> {
            throw new IllegalStateException("subscriber gone");
        }), -1, clock::get);
        failing.update(1);
        failing.finish(2);
    }
}
