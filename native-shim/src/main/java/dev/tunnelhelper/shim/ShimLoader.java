package dev.tunnelhelper.shim;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Finds the shim for a platform inside the jar (or at {@value #OVERRIDE_PROPERTY}), copies it
 * to a private directory and loads it. The copy is needed because dlopen cannot read from a
 * jar; the directory is 0700 so no other user can swap the library between copy and load.
 */
final class ShimLoader {
    static final String OVERRIDE_PROPERTY = "tunnelhelper.shim.path";

    private ShimLoader() {}

    static ShimLibrary load(NativePlatform platform) {
        return load(platform, ShimVariant.STANDARD);
    }

    static ShimLibrary load(NativePlatform platform, ShimVariant variant) {
        Path library = locate(platform, variant);
        JnaSearch.loaderOnly();
        try {
            return Native.load(library.toString(), ShimLibrary.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
        } catch (UnsatisfiedLinkError e) {
            throw new ShimLoadException(
                    "cannot load native shim " + library + " for " + platform + ": " + e.getMessage(), e);
        }
    }

    /** The library file on disk: the override if set, else the jar resource extracted. */
    static Path locate(NativePlatform platform) {
        return locate(platform, ShimVariant.STANDARD);
    }

    static Path locate(NativePlatform platform, ShimVariant variant) {
        String override = System.getProperty(OVERRIDE_PROPERTY);
        if (override != null && !override.isBlank()) {
            Path path = Path.of(override);
            if (!Files.isRegularFile(path)) {
                throw new ShimLoadException(OVERRIDE_PROPERTY + " points to " + path + ", which is not a file");
            }
            return path.toAbsolutePath();
        }
        return extract(platform, variant.libraryFileName(platform));
    }

    static Path extract(NativePlatform platform) {
        return extract(platform, platform.libraryFileName());
    }

    /** Copies native/<platform>/<fileName> from the jar into a fresh private directory. */
    static Path extract(NativePlatform platform, String fileName) {
        String resource = platform.resourcePath(fileName);
        try (InputStream in = ShimLoader.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ShimLoadException(
                        "no native shim for " + platform + " in the jar (looked for " + resource + ")");
            }
            Path dir = Files.createTempDirectory(
                    "tunnelshim-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(fileName);
            // Registered after the directory so it is deleted first (deleteOnExit runs in reverse).
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("extracting " + resource, e);
        }
    }
}
