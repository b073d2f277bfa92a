package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Version lists and versions as PROTOCOL-FACTS §1.1 defines them. */
class VersionListTest {
    private static ProtocolVersion v(int major, int minor) {
        return new ProtocolVersion(major, minor);
    }

    @Test
    void aListNeedsAtLeastOneVersionWithStrictlyAscendingMajors() {
        assertEquals(List.of(v(1, 3), v(2, 0)), VersionList.of(v(1, 3), v(2, 0)).versions());
        assertThrows(IllegalArgumentException.class, VersionList::of);
        assertEquals(
                "majors must be strictly ascending: 2.0,1.3",
                assertThrows(IllegalArgumentException.class, () -> VersionList.of(v(2, 0), v(1, 3)))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> VersionList.of(v(1, 0), v(1, 3)), "a major twice");
    }

    @Test
    void theWireFormParsesAndRendersBack() throws ProtocolException {
        VersionList list = VersionList.parse("1.3,2.0,10.12");
        assertEquals(List.of(v(1, 3), v(2, 0), v(10, 12)), list.versions());
        assertEquals("1.3,2.0,10.12", list.toString());
        assertEquals(list, VersionList.of(v(1, 3), v(2, 0), v(10, 12)));
        assertEquals(
                list.hashCode(), VersionList.of(v(1, 3), v(2, 0), v(10, 12)).hashCode());
        assertNotEquals(list, VersionList.of(v(1, 3)));
        assertNotEquals(list, "1.3,2.0,10.12");
    }

    @Test
    void everyMalformedListIsRefusedWithTheReason() {
        assertEquals(
                "invalid version list \"\": empty",
                assertThrows(ProtocolException.class, () -> VersionList.parse(""))
                        .getMessage());
        for (String bad :
                new String[] {"1", "1.", ".3", "1.3.", "a.b", "1.3,", ",1.3", "-1.0", "1.-1", "1234567890.0"}) {
            assertThrows(ProtocolException.class, () -> VersionList.parse(bad), bad);
        }
        assertTrue(assertThrows(ProtocolException.class, () -> VersionList.parse("0.9"))
                .getMessage()
                .contains("major must be >= 1"));
        assertTrue(assertThrows(ProtocolException.class, () -> VersionList.parse("1.0,1.3"))
                .getMessage()
                .contains("major 1 appears twice"));
        assertTrue(assertThrows(ProtocolException.class, () -> VersionList.parse("2.0,1.3"))
                .getMessage()
                .contains("majors are not ascending"));
    }

    @Test
    void negotiationTakesTheHighestCommonMajorWithTheLowerMinor() throws ProtocolException {
        VersionList ours = VersionList.parse("1.3,3.1");
        assertEquals(Optional.of(v(3, 1)), ours.negotiate(VersionList.parse("2.0,3.4")));
        assertEquals(Optional.of(v(1, 2)), ours.negotiate(VersionList.parse("1.2,2.0")));
        assertEquals(Optional.of(v(1, 3)), ours.negotiate(VersionList.parse("1.9")));
        assertEquals(Optional.empty(), ours.negotiate(VersionList.parse("2.0,4.0")));
    }

    @Test
    void versionsOrderByMajorThenMinorAndWakeNeedsOnePointThree() {
        assertTrue(v(1, 3).atLeast(v(1, 3)));
        assertTrue(v(1, 4).atLeast(v(1, 3)));
        assertTrue(v(2, 0).atLeast(v(1, 9)));
        assertFalse(v(1, 2).atLeast(v(1, 3)));
        assertTrue(v(1, 9).compareTo(v(2, 0)) < 0);
        assertTrue(v(1, 3).supportsWake());
        assertTrue(v(2, 0).supportsWake());
        assertFalse(v(1, 2).supportsWake());
        assertThrows(IllegalArgumentException.class, () -> v(0, 1));
        assertThrows(IllegalArgumentException.class, () -> v(1, -1));
        assertEquals("1.0", v(1, 0).toString());
    }
}
