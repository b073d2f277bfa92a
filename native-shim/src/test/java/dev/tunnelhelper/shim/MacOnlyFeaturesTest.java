package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The plain Linux shim has none of the macOS capabilities, and says so. */
@DisabledOnOs(value = OS.MAC, disabledReason = "checks the non-macOS behaviour")
class MacOnlyFeaturesTest {

    @Test
    void thePlainLinuxShimHasNoMacCapabilities() {
        assertEquals(ShimVariant.STANDARD, NativeShim.get().variant());
        assertEquals(java.util.Set.of(), NativeShim.get().capabilities());
    }

    @Test
    void withoutTheDarwinApisTheHelperNeedNotLoadTheShimToKnow() {
        assertFalse(NativeShim.mayHaveDarwinApis());
        assertEquals(java.util.Set.of(), NativeShim.get().capabilities());
    }

    @Test
    void xpcNamesThePlatform() {
        UnsupportedPlatformException e =
                assertThrows(UnsupportedPlatformException.class, () -> XpcListener.anonymous((c, m, r) -> {}));
        assertEquals(
                "XPC requires macOS or the XPC simulator (tunnelhelper.shim.variant=xpcsim); this is "
                        + NativePlatform.current(),
                e.getMessage());
        assertThrows(
                UnsupportedPlatformException.class,
                () -> XpcConnection.connect("com.example.nothing", false, (c, m, r) -> {}));
    }

    @Test
    void codeSignatureNamesThePlatform() {
        UnsupportedPlatformException e = assertThrows(
                UnsupportedPlatformException.class, () -> CodeSignature.check(Path.of("/bin/ls"), "anchor apple"));
        assertEquals(
                "Code-signature checking requires macOS or the XPC simulator (tunnelhelper.shim.variant=xpcsim);"
                        + " this is " + NativePlatform.current(),
                e.getMessage());
    }
}
