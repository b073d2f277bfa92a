package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresCapability;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sleep and wake delivered by the simulated system (B10, B11 of issue 15). */
@RequiresCapability(Capability.POWER_EVENTS)
class SimulatedPowerEventsTest {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);
    private final int self = (int) ProcessHandle.current().pid();

    @BeforeEach
    void onlyTheSimulatorCanPostPowerMessages() {
        Assumptions.assumeTrue(NativeShim.get().variant() == ShimVariant.XPC_SIMULATOR, "posting needs the simulator");
    }

    private List<SimulatedPower.Answer> post(SimulatedPower.Message message) {
        return SimulatedPower.post(message, ANSWER_TIMEOUT).stream()
                .filter(a -> a.pid() == self)
                .toList();
    }

    @Test
    void sleepAndWakeReachTheListenerInOrder() throws Exception {
        BlockingQueue<PowerEvent> events = new LinkedBlockingQueue<>();
        try (SystemPowerWatch watch = SystemPowerWatch.start(events::add)) {
            assertEquals(
                    SimulatedPower.Outcome.ALLOW,
                    post(SimulatedPower.Message.CAN_SYSTEM_SLEEP).get(0).outcome());
            assertEquals(
                    SimulatedPower.Outcome.ALLOW,
                    post(SimulatedPower.Message.SYSTEM_WILL_SLEEP).get(0).outcome());
            assertEquals(
                    SimulatedPower.Outcome.NONE,
                    post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON).get(0).outcome());
            assertEquals(PowerEvent.WILL_SLEEP, events.poll(10, TimeUnit.SECONDS));
            assertEquals(PowerEvent.DID_WAKE, events.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aSlowListenerDoesNotDelayTheSleepAcknowledgement() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SystemPowerWatch watch = SystemPowerWatch.start(event -> {
            entered.countDown();
            awaitQuietly(release);
        });
        try {
            // The listener is still blocked when the system already has its answer.
            SimulatedPower.Answer answer =
                    post(SimulatedPower.Message.SYSTEM_WILL_SLEEP).get(0);
            assertEquals(SimulatedPower.Outcome.ALLOW, answer.outcome());
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the listener was told");
            assertEquals(1, release.getCount(), "the answer did not wait for the listener");
        } finally {
            // Released before closing, so that a broken watch fails the test instead of hanging it.
            release.countDown();
            watch.close();
        }
    }

    @Test
    void aSlowWakeListenerDoesNotDelayTheNextSleepAcknowledgement() throws Exception {
        CountDownLatch woke = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SystemPowerWatch watch = SystemPowerWatch.start(event -> {
            if (event == PowerEvent.DID_WAKE) {
                // e.g. re-checking the tunnel over RPC, for seconds
                woke.countDown();
                awaitQuietly(release);
            }
        });
        try {
            post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON);
            assertTrue(woke.await(10, TimeUnit.SECONDS));
            assertEquals(
                    SimulatedPower.Outcome.ALLOW,
                    post(SimulatedPower.Message.SYSTEM_WILL_SLEEP).get(0).outcome(),
                    "IOKit's queue is free while the wake work runs");
            assertEquals(1, release.getCount());
        } finally {
            release.countDown();
            watch.close();
        }
    }

    @Test
    void closingFromTheListenerDoesNotDeadlock() throws Exception {
        CompletableFuture<SystemPowerWatch> watch = new CompletableFuture<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        SystemPowerWatch w = SystemPowerWatch.start(event -> {
            watch.join().close();
            closed.complete(null);
        });
        watch.complete(w);
        post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON);
        closed.get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON), "the registration is gone");
    }

    @Test
    void aStuckListenerDoesNotKeepTheRegistration() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<PowerEvent> after = new LinkedBlockingQueue<>();
        SystemPowerWatch watch = SystemPowerWatch.start(event -> {
            if (entered.getCount() == 0) {
                after.add(event);
            }
            entered.countDown();
            awaitQuietly(release);
        });
        try {
            post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON);
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON); // queued behind the stuck one
            CompletableFuture.runAsync(watch::close)
                    .get(10, TimeUnit.SECONDS); // returns although the listener is stuck
            assertEquals(List.of(), post(SimulatedPower.Message.SYSTEM_WILL_SLEEP), "the registration is gone");
        } finally {
            release.countDown();
        }
        // The event queued before close never starts; a later close-time item frees the native watch.
        SimulatedPower.post(SimulatedPower.Message.SYSTEM_HAS_POWERED_ON, ANSWER_TIMEOUT);
        assertEquals(null, after.poll(200, TimeUnit.MILLISECONDS));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
