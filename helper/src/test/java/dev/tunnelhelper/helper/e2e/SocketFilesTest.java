package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.HelperDaemon;
import dev.tunnelhelper.helper.HelperPaths;
import dev.tunnelhelper.helper.config.HelperConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoints' socket files as the helper creates them (docs/security.md, "Endpoints"). */
class SocketFilesTest {
    @TempDir
    Path dir;

    private HelperDaemon helper(HelperPaths paths) throws Exception {
        HelperConfig config = HelperConfig.defaults()
                .withDirectories(
                        paths.socketDirectory().toString(),
                        paths.binaryDirectory().toString(),
                        paths.logDirectory().toString());
        return new HelperDaemon(config, paths);
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theExtensionSocketIsOwnerOnlyAndTheAppSocketOwnerAndGroup() throws Exception {
        HelperPaths paths = HelperPaths.underStateDir(dir.resolve("state"));
        HelperDaemon helper = helper(paths);
        helper.start();
        try {
            assertEquals("rw-------", mode(paths.extensionSocket()), "ne.sock: root (the helper's uid) only");
            assertEquals("rw-rw----", mode(paths.appSocket()), "app.sock: owner and the configured group");
        } finally {
            helper.close();
        }
    }

    @Test
    void aRegularFileAtTheSocketPathIsRefusedAndLeftAsItWas() throws Exception {
        HelperPaths paths = HelperPaths.underStateDir(dir.resolve("state"));
        Files.createDirectories(
                paths.socketDirectory(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.writeString(paths.extensionSocket(), "not a socket: somebody's data\n");
        String before = mode(paths.extensionSocket());

        HelperDaemon helper = helper(paths);
        IOException e = assertThrows(IOException.class, helper::start);

        assertEquals(paths.extensionSocket() + " exists and is not a socket; refusing to replace it", e.getMessage());
        assertTrue(
                Files.isRegularFile(paths.extensionSocket(), LinkOption.NOFOLLOW_LINKS), "still the same regular file");
        assertEquals("not a socket: somebody's data\n", Files.readString(paths.extensionSocket()));
        assertEquals(before, mode(paths.extensionSocket()), "not chmodded either");
        assertTrue(Files.notExists(paths.appSocket()), "nothing listens after the refusal");
        helper.close();
    }
}
