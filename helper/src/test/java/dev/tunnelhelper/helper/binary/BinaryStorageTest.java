package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.helper.binary.AcquisitionException.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binary directory: who may own it, who may write it, and what a planted symlink gets. */
class BinaryStorageTest {

    @TempDir
    Path tmp;

    private AcquisitionFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = AcquisitionFixture.start(tmp);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aSymlinkPlantedAtTheDestinationIsReplacedNotWrittenThrough() throws Exception {
        Path outside = tmp.resolve("outside-target");
        Files.writeString(outside, "precious\n");
        Files.createSymbolicLink(fixture.installedPath(), outside);

        AcquiredBinary binary = fixture.acquirer().acquire(fixture.request());

        assertEquals("precious\n", Files.readString(outside), "the symlink's target must be untouched");
        assertTrue(Files.isRegularFile(binary.path(), LinkOption.NOFOLLOW_LINKS), "the symlink was replaced");
        assertFalse(Files.isSymbolicLink(binary.path()));
        fixture.assertOnlyInstalled(fixture.deployment.binarySha256());
        assertTrue(fixture.deployment.requestCount(fixture.deployment.binaryPath()) == 1);
    }

    @Test
    void aSymlinkToACopyOfTheBinaryIsNotTrustedAsTheInstalledBinary() throws Exception {
        Path outside = tmp.resolve("outside-copy");
        Files.write(outside, FakeTunnel.script(AcquisitionFixture.VERSION, fixture.probeCounter));
        Files.createSymbolicLink(fixture.installedPath(), outside);

        AcquiredBinary binary = fixture.acquirer().acquire(fixture.request());

        assertTrue(binary.downloaded(), "no If-None-Match is sent for a symlink, so no 304 can bless it");
        assertEquals(0, fixture.deployment.responseCount(fixture.deployment.binaryPath(), 304));
        assertTrue(Files.isRegularFile(binary.path(), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aGroupWritableBinaryDirectoryIsRefused() throws Exception {
        Files.setPosixFilePermissions(fixture.binDir, PosixFilePermissions.fromString("rwxrwxr-x"));

        AcquisitionException e = assertThrows(
                AcquisitionException.class, () -> fixture.acquirer().acquire(fixture.request()));

        assertEquals(Step.STORAGE, e.step());
        assertTrue(e.getMessage().contains("mode 0775): it is writable by group or others"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod go-w"), e.getMessage());
        assertEquals(0, fixture.deployment.counters().totalRequests(), "refused before any network traffic");
        fixture.assertBinDirEmpty();
    }

    @Test
    void aWorldWritableNonStickyParentIsRefused() throws Exception {
        Path parent = tmp.resolve("open");
        Files.createDirectory(parent);
        Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dir = parent.resolve("bin");

        AcquisitionException e = assertThrows(
                AcquisitionException.class,
                () -> new BinaryAcquirer(AcquisitionConfig.builder(dir, fixture.pinnedKey())
                                .build())
                        .acquire(fixture.request()));

        assertEquals(Step.STORAGE, e.step());
        assertTrue(e.getMessage().contains("binary directory " + dir + ": " + parent + " (uid "), e.getMessage());
        assertTrue(e.getMessage().contains("mode 0777): it is writable by group or others"), e.getMessage());
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsRefused() throws Exception {
        Files.setAttribute(fixture.binDir, "unix:uid", 4242);

        AcquisitionException e = assertThrows(
                AcquisitionException.class, () -> fixture.acquirer().acquire(fixture.request()));

        assertEquals(Step.STORAGE, e.step());
        assertTrue(e.getMessage().contains("owned by uid 4242"), e.getMessage());
    }

    @Test
    void aMissingDirectoryIsCreatedPrivate() throws Exception {
        Path dir = tmp.resolve("state").resolve("bin");
        AcquiredBinary binary =
                new BinaryAcquirer(fixture.config().build().withBinaryDirectory(dir)).acquire(fixture.request());

        assertEquals(dir.resolve(fixture.installedPath().getFileName()), binary.path());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void tempFilesLeftByAnInterruptedDownloadAreRemoved() throws Exception {
        Path stale = fixture.binDir.resolve("." + fixture.installedPath().getFileName() + ".download-0123456789abcdef");
        Files.write(stale, "half a binary".getBytes(StandardCharsets.US_ASCII));

        fixture.acquirer().acquire(fixture.request());

        fixture.assertOnlyInstalled(fixture.deployment.binarySha256());
    }

    @Test
    void aBinaryNameCannotLeaveTheDirectory() throws Exception {
        BinaryDirectory directory = BinaryDirectory.open(fixture.binDir, ProcessIdentity.effectiveUid());
        for (String name : List.of("../escape", "a/b", ".hidden", "..", "")) {
            AcquisitionException e = assertThrows(AcquisitionException.class, () -> directory.binaryPath(name), name);
            assertEquals(Step.STORAGE, e.step());
        }
        assertEquals(
                fixture.binDir.toRealPath().resolve("coder-linux-amd64"), directory.binaryPath("coder-linux-amd64"));
    }

    @Test
    void unprivilegedTheHelpersOwnUidMayOwnTheDirectoryButNoOtherUser() throws Exception {
        Files.setAttribute(fixture.binDir, "unix:uid", 4242);

        BinaryDirectory asOwner = BinaryDirectory.open(fixture.binDir, 4242);
        AcquisitionException asRoot =
                assertThrows(AcquisitionException.class, () -> BinaryDirectory.open(fixture.binDir, 0));
        AcquisitionException asSomeoneElse =
                assertThrows(AcquisitionException.class, () -> BinaryDirectory.open(fixture.binDir, 4343));

        assertEquals(fixture.binDir.toRealPath(), asOwner.path());
        assertTrue(asRoot.getMessage().contains("owned by uid 4242, not by root,"), asRoot.getMessage());
        assertTrue(
                asSomeoneElse.getMessage().contains("owned by uid 4242, not by root or uid 4343,"),
                asSomeoneElse.getMessage());
    }
}
