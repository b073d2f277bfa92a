package dev.tunnelhelper.shim.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy.Verdict;
import org.junit.jupiter.api.Test;

class PrivilegedTestPolicyTest {

    @Test
    void runsWhenEverythingIsThere() {
        assertEquals(Verdict.RUN, PrivilegedTestPolicy.decide(true, true, null).verdict());
        assertEquals(Verdict.RUN, PrivilegedTestPolicy.decide(true, true, "1").verdict());
    }

    @Test
    void skipsWithTheReasonWhenNotRequired() {
        var d = PrivilegedTestPolicy.decide(false, true, null);
        assertEquals(Verdict.SKIP, d.verdict());
        assertTrue(d.reason().contains("not running as root"), d.reason());
        assertEquals(Verdict.SKIP, PrivilegedTestPolicy.decide(true, false, "0").verdict());
    }

    @Test
    void failsWhenRequired() {
        var d = PrivilegedTestPolicy.decide(true, false, "1");
        assertEquals(Verdict.FAIL, d.verdict());
        assertTrue(d.reason().contains("REQUIRE_PRIVILEGED_TESTS=1"), d.reason());
        assertTrue(d.reason().contains("/dev/net/tun"), d.reason());
    }
}
