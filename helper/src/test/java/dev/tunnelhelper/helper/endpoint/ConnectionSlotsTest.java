package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who gets a connection when the endpoint fills up. Small numbers, same rules as the defaults. */
class ConnectionSlotsTest {
    private static final long HELPER = 1000;
    private final ConnectionSlots slots =
            new ConnectionSlots("app", new ConnectionLimits(10, 3, 4, Duration.ofSeconds(60), HELPER));

    private List<ConnectionSlots.Slot> claim(long uid, int n) {
        List<ConnectionSlots.Slot> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ConnectionSlots.Claim c = slots.claim(uid);
            assertTrue(c.granted(), "connection " + (i + 1) + " of uid " + uid + ": " + c.refusal());
            held.add(c.slot());
        }
        return held;
    }

    @Test
    void oneUserGetsAtMostItsShareAndItsSlotsComeBackWhenReleased() {
        List<ConnectionSlots.Slot> held = claim(42, 4);
        ConnectionSlots.Claim fifth = slots.claim(42);
        assertFalse(fifth.granted());
        assertEquals(
                "uid 42 already has 4 connections to the app endpoint, the most one user may have", fifth.refusal());
        held.get(0).release();
        held.get(0).release();
        assertEquals(3, slots.open(), "a slot is released once, however often release is called");
        assertTrue(slots.claim(42).granted());
    }

    @Test
    void otherUsersTogetherCannotTakeTheReserveRootAndTheHelpersUidCan() {
        claim(1, 4);
        claim(2, 3);
        ConnectionSlots.Claim eighth = slots.claim(3);
        assertFalse(eighth.granted(), "10 slots, 3 reserved: 7 for everybody else");
        assertEquals(
                "too many connections to the app endpoint (7 for users other than root; 3 are kept for root)",
                eighth.refusal());
        claim(0, 2);
        claim(HELPER, 1);
        ConnectionSlots.Claim eleventh = slots.claim(0);
        assertFalse(eleventh.granted());
        assertEquals("too many connections to the app endpoint (10)", eleventh.refusal());
    }

    @Test
    void rootIsNotLimitedPerUser() {
        claim(0, 6);
        assertEquals(6, slots.open());
    }

    @Test
    void drainedWaitsForEveryConnectionRefusedOnesIncluded() {
        assertTrue(slots.drained().isDone(), "nothing open");
        ConnectionSlots.Slot admitted = claim(42, 1).get(0);
        ConnectionSlots.Slot refused = slots.uncounted(43);
        assertEquals(1, slots.open(), "a refused connection limits nobody");
        var drained = slots.drained();
        admitted.release();
        assertFalse(drained.isDone(), "the refused one still lingers");
        refused.release();
        assertTrue(drained.isDone());
    }

    @Test
    void aSlotAUserReleasedIsTheirsAgainButNoMore() {
        List<ConnectionSlots.Slot> held = claim(42, 4);
        held.get(3).release();
        claim(42, 1);
        ConnectionSlots.Claim over = slots.claim(42);
        assertFalse(over.granted(), "4 again, the most one user may have");
    }

    @Test
    void aSlotAnotherUserReleasedGoesBackToTheUsersShare() {
        claim(1, 4);
        List<ConnectionSlots.Slot> second = claim(2, 3);
        assertFalse(slots.claim(3).granted(), "the 7 slots for users other than root are taken");
        second.get(0).release();
        assertTrue(slots.claim(3).granted(), "one of the 7 came back");
    }

    @Test
    void rootClosingAConnectionFreesNothingOfTheOtherUsersShare() {
        claim(1, 4);
        claim(2, 3);
        claim(0, 1).get(0).release();
        ConnectionSlots.Claim eighth = slots.claim(3);
        assertFalse(eighth.granted(), "root's slot came from the reserve, and went back there");
        assertEquals(
                "too many connections to the app endpoint (7 for users other than root; 3 are kept for root)",
                eighth.refusal());
    }

    @Test
    void drainedWaitsForARefusedConnectionEvenWhenItIsTheOnlyOne() {
        ConnectionSlots.Slot refused = slots.uncounted(43);
        assertEquals(0, slots.open());
        var drained = slots.drained();
        assertFalse(drained.isDone(), "a refused connection still lingers");
        refused.release();
        assertTrue(drained.isDone());
        assertTrue(slots.drained().isDone(), "and nothing is open afterwards");
    }

    @Test
    void drainedWaitsUntilTheLastConnectionWhateverTheMix() {
        List<ConnectionSlots.Slot> admitted = claim(42, 2);
        ConnectionSlots.Slot refused = slots.uncounted(43);
        var drained = slots.drained();
        admitted.get(0).release();
        assertFalse(drained.isDone(), "one admitted and one refused connection are still open");
        admitted.get(1).release();
        assertFalse(drained.isDone(), "the refused one is still open");
        refused.release();
        assertTrue(drained.isDone());
    }

    @Test
    void limitsThatContradictEachOtherAreRefusedAtTheEdge() {
        Duration idle = Duration.ofSeconds(60);
        for (int[] bad : new int[][] {{0, 0, 1}, {2, -1, 1}, {2, 2, 1}, {2, 1, 0}}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> new ConnectionLimits(bad[0], bad[1], bad[2], idle, HELPER));
            assertEquals(
                    "inconsistent connection limits: " + bad[0] + " per endpoint, " + bad[1] + " reserved, " + bad[2]
                            + " per uid",
                    e.getMessage());
        }
        ConnectionLimits smallest = new ConnectionLimits(1, 0, 1, idle, HELPER);
        assertEquals(1, smallest.perEndpoint());
        assertEquals(
                new ConnectionLimits(
                        ConnectionLimits.PER_ENDPOINT, ConnectionLimits.RESERVED, 7, Duration.ofSeconds(5), HELPER),
                ConnectionLimits.of(Duration.ofSeconds(5), 7, HELPER));
    }

    @Test
    void onlyRootAndTheHelpersOwnUidArePrivileged() {
        ConnectionLimits limits = ConnectionLimits.of(Duration.ofSeconds(60), 4, HELPER);
        assertTrue(limits.privileged(0));
        assertTrue(limits.privileged(HELPER));
        assertFalse(limits.privileged(HELPER + 1));
        assertFalse(limits.privileged(65534));
    }
}
