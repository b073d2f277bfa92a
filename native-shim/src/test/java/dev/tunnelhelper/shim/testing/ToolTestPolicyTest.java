package dev.tunnelhelper.shim.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.PrivilegedTestPolicy.Verdict;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolTestPolicyTest {

    @Test
    void runsWhenNothingIsMissing() {
        assertEquals(
                Verdict.RUN, ToolTestPolicy.decide(List.of(), Set.of("python3")).verdict());
    }

    @Test
    void skipsNamingTheToolAndItsPackage() {
        var d = ToolTestPolicy.decide(List.of("systemd-analyze"), Set.of());
        assertEquals(Verdict.SKIP, d.verdict());
        assertTrue(
                d.reason().contains("systemd-analyze (not installed; Debian/Ubuntu: apt-get install systemd)"),
                d.reason());
        assertTrue(d.reason().contains("REQUIRE_TOOLS"), d.reason());
    }

    @Test
    void failsWhenTheMissingToolIsRequiredByNameEvenIfAskedForByPath() {
        var d = ToolTestPolicy.decide(
                List.of("/usr/bin/python3", "setpriv"), ToolTestPolicy.required("systemd-analyze, python3"));
        assertEquals(Verdict.FAIL, d.verdict());
        assertTrue(
                d.reason().contains("REQUIRE_TOOLS names /usr/bin/python3 but this machine does not have it"),
                d.reason());
    }

    @Test
    void theEnvironmentListIsSpaceOrCommaSeparated() {
        assertEquals(Set.of("a", "b", "c"), ToolTestPolicy.required(" a b,c "));
        assertEquals(Set.of(), ToolTestPolicy.required(null));
        assertEquals(Set.of(), ToolTestPolicy.required("  "));
    }
}
