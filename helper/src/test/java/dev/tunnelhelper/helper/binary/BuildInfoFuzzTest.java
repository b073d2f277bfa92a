package dev.tunnelhelper.helper.binary;

import static dev.tunnelhelper.protocol.testing.OneLine.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;

/**
 * A deployment's build info and the versions in it, as a hostile or broken server could send
 * them: parsed into a usable version at least the minimum, or refused at the build-info step
 * with a one-line error; and version ordering is a total order whatever the text.
 */
class BuildInfoFuzzTest {
    private static final URI SOURCE = URI.create("http://127.0.0.1:1/api/v2/buildinfo");
    private static final SemanticVersion MINIMUM = SemanticVersion.parse("2.24.3");

    @FuzzTest
    void anyBuildInfoBodyGivesASupportedVersionOrAFetchInfoError(byte[] body) {
        try {
            String version = BuildInfoClient.parseVersion(body, SOURCE);
            assertFalse(version.isBlank(), "a blank version was accepted");
            SemanticVersion server = BuildInfoClient.supportedVersion(version, SOURCE, MINIMUM);
            assertFalse(server.isBelow(MINIMUM), server + " is below the minimum, yet accepted");
        } catch (AcquisitionException e) {
            assertTrue(
                    e.step() == AcquisitionException.Step.FETCH_INFO
                            || e.step() == AcquisitionException.Step.MINIMUM_VERSION,
                    "build info failed at step " + e.step());
            assertOneLine(e.getMessage());
        }
    }

    @FuzzTest
    void versionsAreParsedOrRefusedAndAlwaysTotallyOrdered(FuzzedDataProvider data) {
        SemanticVersion a = parseOrNull(data.consumeString(64));
        SemanticVersion b = parseOrNull(data.consumeString(64));
        SemanticVersion c = parseOrNull(data.consumeRemainingAsString());
        for (SemanticVersion v : new SemanticVersion[] {a, b, c}) {
            if (v != null) {
                assertEquals(
                        0, v.compareTo(SemanticVersion.parse(v.original())), "a version must equal itself re-parsed");
            }
        }
        if (a == null || b == null) {
            return;
        }
        assertEquals(
                Integer.signum(a.compareTo(b)),
                -Integer.signum(b.compareTo(a)),
                a + " vs " + b + " is not antisymmetric");
        assertEquals(a.compareTo(b) == 0, a.equals(b), "equals disagrees with compareTo for " + a + ", " + b);
        if (a.equals(b)) {
            assertEquals(a.hashCode(), b.hashCode(), "equal versions " + a + ", " + b + " hash differently");
        }
        if (c != null && a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
            assertTrue(a.compareTo(c) <= 0, a + " <= " + b + " <= " + c + " but not " + a + " <= " + c);
        }
    }

    private static SemanticVersion parseOrNull(String text) {
        try {
            return SemanticVersion.parse(text);
        } catch (IllegalArgumentException e) {
            assertOneLine(e.getMessage());
            return null;
        }
    }
}
