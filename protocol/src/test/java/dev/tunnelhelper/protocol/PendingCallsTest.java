package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PendingCallsTest {

    private final PendingCalls<String> pending = new PendingCalls<>("peer");

    private PendingCalls.Call<String> sent(long id, Duration timeout) {
        PendingCalls.Call<String> call = pending.register(id, reply -> {}, false);
        pending.expireAfter(id, call, timeout);
        return call;
    }

    private static Throwable failure(CompletableFuture<String> reply) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void aStreamOfAnsweredCallsSchedulesOneTimerNotOnePerCall() {
        for (long id = 1; id <= 1_000; id++) {
            PendingCalls.Call<String> call = sent(id, Duration.ofSeconds(10));
            pending.take(id).answer("reply " + id);
            assertTrue(call.reply().isDone());
        }
        assertEquals(1, pending.timersScheduled(), "every later deadline is covered by the armed timer");
        assertEquals(0, pending.size());
    }

    @Test
    void aShortTimeoutAfterALongOneStillFiresOnTime() throws Exception {
        PendingCalls.Call<String> slow = sent(1, Duration.ofMinutes(10));
        PendingCalls.Call<String> quick = sent(2, Duration.ofMillis(50));

        Throwable why = failure(quick.reply());
        assertInstanceOf(RpcTimeoutException.class, why);
        assertEquals("no reply from peer to request 2 within 50 ms", why.getMessage());
        assertFalse(slow.reply().isDone(), "the long call is not failed with the short one");
        assertEquals(1, pending.size());
    }

    @Test
    void theTimerReArmsForTheNextDeadlineAndEachCallFailsWithItsOwnTimeout() throws Exception {
        PendingCalls.Call<String> first = sent(1, Duration.ofMillis(30));
        PendingCalls.Call<String> second = sent(2, Duration.ofMillis(300));

        assertEquals(
                "no reply from peer to request 1 within 30 ms",
                failure(first.reply()).getMessage());
        assertEquals(
                "no reply from peer to request 2 within 300 ms",
                failure(second.reply()).getMessage());
        assertEquals(0, pending.size());
    }

    @Test
    void aReplyAfterTheTimeoutFindsNothingAndAnAnsweredCallNeverTimesOut() throws Exception {
        PendingCalls.Call<String> late = sent(1, Duration.ofMillis(20));
        PendingCalls.Call<String> answered = sent(2, Duration.ofMillis(20));
        pending.take(2).answer("in time");

        assertInstanceOf(RpcTimeoutException.class, failure(late.reply()));
        assertEquals(null, pending.take(1), "the late reply has no call left to complete");
        assertEquals("in time", answered.reply().get());
    }
}
