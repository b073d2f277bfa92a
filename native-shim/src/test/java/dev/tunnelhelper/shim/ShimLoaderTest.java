package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class ShimLoaderTest {

    @Test
    void missingPlatformLibraryNamesThePlatformAndThePath() {
        ShimLoadException e =
                assertThrows(ShimLoadException.class, () -> ShimLoader.extract(NativePlatform.of("Linux", "riscv64")));
        assertEquals(
                "no native shim for linux-riscv64 in the jar (looked for native/linux-riscv64/libtunnelshim.so)",
                e.getMessage());
    }

    @Test
    void jvmPropertyNamesMapToFolderNames() {
        assertEquals("linux-x86_64", NativePlatform.of("Linux", "amd64").toString());
        assertEquals("darwin-aarch64", NativePlatform.of("Mac OS X", "arm64").toString());
        assertEquals(
                "native/darwin-x86_64/libtunnelshim.dylib",
                NativePlatform.of("Mac OS X", "x86_64").resourcePath());
        assertEquals("linux-aarch64", NativePlatform.of("Linux", "aarch64").toString());
    }

    @Test
    void hostLibraryIsExtractedIntoAPrivateDirectory() throws Exception {
        Path lib = ShimLoader.extract(NativePlatform.current());
        assertTrue(Files.size(lib) > 0);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lib.getParent())));
    }

    @Test
    void overridePointingNowhereIsAClearError() {
        String old = System.getProperty(ShimLoader.OVERRIDE_PROPERTY);
        System.setProperty(ShimLoader.OVERRIDE_PROPERTY, "/nonexistent/libtunnelshim.so");
        try {
            ShimLoadException e =
                    assertThrows(ShimLoadException.class, () -> ShimLoader.locate(NativePlatform.current()));
            assertTrue(e.getMessage().contains("/nonexistent/libtunnelshim.so"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(ShimLoader.OVERRIDE_PROPERTY);
            } else {
                System.setProperty(ShimLoader.OVERRIDE_PROPERTY, old);
            }
        }
    }

    @Test
    void overrideLoadsALibraryFromDisk() {
        Path extracted = ShimLoader.extract(NativePlatform.current());
        System.setProperty(ShimLoader.OVERRIDE_PROPERTY, extracted.toString());
        try {
            assertEquals(extracted.toAbsolutePath(), ShimLoader.locate(NativePlatform.current()));
            ShimLibrary lib = ShimLoader.load(NativePlatform.current());
            byte[] err = new byte[ErrorBuffer.SIZE];
            assertTrue(lib.th_get_cloexec(999_999, err, err.length) < 0);
        } finally {
            System.clearProperty(ShimLoader.OVERRIDE_PROPERTY);
        }
    }
}
