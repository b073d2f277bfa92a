package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SemanticVersionTest {

    private static SemanticVersion v(String s) {
        return SemanticVersion.parse(s);
    }

    @Test
    void leadingVAndBuildMetadataDoNotAffectOrdering() {
        assertEquals(0, v("v2.24.3+a1b2c3d").compareTo(v("2.24.3")));
        assertEquals(v("2.24.3+x"), v("V2.24.3+y"));
        assertEquals("v2.24.3+a1b2c3d", v("v2.24.3+a1b2c3d").original());
        assertEquals("v2.24.3+a1b2c3d", v(" v2.24.3+a1b2c3d ").toString(), "messages quote the version as sent");
    }

    @Test
    void equalityIsEqualPrecedenceAndHashesAgreeWithIt() {
        assertEquals(v("2.24.3+x").hashCode(), v("V2.24.3+y").hashCode());
        assertEquals(v("2.24.3-rc.1").hashCode(), v("v2.24.3-rc.1+b").hashCode());
        assertNotEquals(v("2.24.3"), v("2.24.4"));
        assertNotEquals(v("2.24.3"), v("2.24.3-rc.1"));
        assertNotEquals(v("2.24.3"), (Object) "2.24.3");
    }

    @Test
    void numericPartsCompareAsNumbers() {
        assertTrue(v("2.9.0").isBelow(v("2.10.0")));
        assertTrue(v("2.24.2").isBelow(v("2.24.3")));
        assertTrue(v("1.99.99").isBelow(v("2.0.0")));
    }

    @Test
    void preReleasesSortBelowTheirReleaseAndBySemverRules() {
        List<String> ascending = List.of(
                "2.24.3-alpha",
                "2.24.3-alpha.1",
                "2.24.3-alpha.beta",
                "2.24.3-beta",
                "2.24.3-beta.2",
                "2.24.3-beta.11",
                "2.24.3-rc.1",
                "2.24.3",
                "2.24.4-rc.1");
        for (int i = 1; i < ascending.size(); i++) {
            assertTrue(
                    v(ascending.get(i - 1)).isBelow(v(ascending.get(i))),
                    ascending.get(i - 1) + " < " + ascending.get(i));
        }
        assertTrue(v("v2.24.3-rc.1+build").isPreRelease());
        assertFalse(v("v2.24.3+build").isPreRelease());
    }

    @Test
    void numericIdentifiersAreDigitsZeroToNineAndALoneZeroIsOne() {
        // Numeric identifiers sort below alphanumeric ones, so misjudging a digit reorders them.
        assertTrue(v("2.24.3-rc.0").isBelow(v("2.24.3-rc.1")));
        assertTrue(v("2.24.3-rc.9").isBelow(v("2.24.3-rc.10")));
        assertTrue(v("2.24.3-rc.99").isBelow(v("2.24.3-rc.100")));
        assertTrue(v("2.24.3-0").isBelow(v("2.24.3")));
        assertThrows(IllegalArgumentException.class, () -> v("2.24.3-rc.09"));
    }

    @Test
    void malformedVersionsAreRejected() {
        for (String bad : List.of(
                "",
                "v",
                "2.24",
                "2.24.3.1",
                "02.24.3",
                "2.24.3-",
                "2.24.3-01",
                "2.24.3+",
                "latest",
                "2.24.3 beta",
                "99999999999999999999.0.0")) {
            assertThrows(IllegalArgumentException.class, () -> SemanticVersion.parse(bad), bad);
        }
    }
}
