package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {

    private final AtomicLong clock = new AtomicLong();
    private final List<Long> reported = new ArrayList<>();
    private final ProgressThrottle throttle = new ProgressThrottle(
            AcquisitionFixture.onDownloaded((written, total) -> reported.add(written)), 100, clock::get);

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
    void aThrowingListenerDoesNotAbortTheDownloadAndStillGetsTheFinalReport() {
        List<Long> attempted = new ArrayList<>();
        ProgressThrottle failing = new ProgressThrottle(
                AcquisitionFixture.onDownloaded((written, total) -> {
                    attempted.add(written);
                    throw new IllegalStateException("subscriber gone");
                }),
                -1,
                clock::get);
        assertDoesNotThrow(() -> failing.update(1));
        assertDoesNotThrow(() -> failing.finish(2));
        assertEquals(List.of(1L, 2L), attempted);
    }

    @Test
    void theTotalIsPassedWithEveryReport() {
        List<Long> totals = new ArrayList<>();
        ProgressThrottle withTotal = new ProgressThrottle(
                AcquisitionFixture.onDownloaded((written, total) -> totals.add(total)), 4096, clock::get);
        withTotal.update(0);
        withTotal.finish(4096);
        assertEquals(List.of(4096L, 4096L), totals);
    }
}
