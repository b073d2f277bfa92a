package dev.tunnelhelper.protocol.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.trust.PathTrust.Kind;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The StrictModes rule, checked on real files. Tests run as root or not: "someone else" is uid
 * 65534 when we can chown (root), else a trust for a uid that is not ours.
 */
class PathTrustTest {
    private static final long ME = new com.sun.security.auth.module.UnixSystem().getUid();
    private static final long STRANGER = 65534;

    @TempDir
    Path tmp;

    private Path base;
    private PathTrust trust;

    @BeforeEach
    void privateBase() throws Exception {
        // @TempDir may sit under a world-writable, non-sticky directory on odd machines; our own base is 0755 and ours.
        base = Files.createDirectory(tmp.resolve("base"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        trust = PathTrust.forUid(ME);
        assertEquals(Optional.empty(), trust.inspect(base, Kind.DIRECTORY), "the test's own base must be trusted");
    }

    /** A trust under which {@code path} is owned by someone else. */
    private PathTrust givenToAStranger(Path path) throws Exception {
        if (ME == 0) {
            Files.setAttribute(path, "unix:uid", (int) STRANGER, LinkOption.NOFOLLOW_LINKS);
            return trust;
        }
        return PathTrust.forUid(ME + 1);
    }

    @Test
    void aPrivateDirectoryOwnedByUsUnderTrustedParentsIsTrusted() throws Exception {
        Path dir = Files.createDirectory(base.resolve("state"));
        assertEquals(Optional.empty(), trust.inspect(dir, Kind.DIRECTORY));
    }

    @Test
    void aDirectoryOwnedBySomeoneElseIsNamedWithItsOwnerAndTheFix() throws Exception {
        Path dir = Files.createDirectory(base.resolve("planted"));
        PathTrust t = givenToAStranger(dir);
        TrustProblem p = t.inspect(dir, Kind.DIRECTORY).orElseThrow();
        assertEquals(dir, p.path());
        assertTrue(p.reason().contains("owned by uid"), p.reason());
        assertTrue(p.fix().contains("mktemp -d"), p.fix());
    }

    @Test
    void aParentOwnedBySomeoneElseTaintsEverythingBelowIt() throws Exception {
        Path parent = Files.createDirectory(base.resolve("theirs"));
        Path dir = Files.createDirectory(parent.resolve("mine"));
        Assumptions.assumeTrue(ME == 0, "needs root to hand a parent directory to another uid");
        PathTrust t = givenToAStranger(parent);
        assertEquals(parent, t.inspect(dir, Kind.DIRECTORY).orElseThrow().path());
    }

    @Test
    void aGroupOrWorldWritableDirectoryIsRefusedEvenIfSticky() throws Exception {
        Path dir = Files.createDirectory(base.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(trust.inspect(dir, Kind.DIRECTORY).orElseThrow().fix().contains("chmod go-w"));
        Files.setAttribute(dir, "unix:mode", 01777);
        assertTrue(trust.inspect(dir, Kind.DIRECTORY).isPresent(), "the path itself may not be sticky-writable");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(trust.inspect(dir, Kind.DIRECTORY).isPresent(), "group-writable is refused too");
    }

    @Test
    void aStickyWorldWritableParentLikeTmpIsAcceptedAPlainWorldWritableOneIsNot() throws Exception {
        Path parent = Files.createDirectory(base.resolve("shared"));
        Path dir = Files.createDirectory(parent.resolve("state"));
        Files.setAttribute(parent, "unix:mode", 01777);
        assertEquals(Optional.empty(), trust.inspect(dir, Kind.DIRECTORY));
        Files.setAttribute(parent, "unix:mode", 0777);
        TrustProblem p = trust.inspect(dir, Kind.DIRECTORY).orElseThrow();
        assertEquals(parent, p.path());
        assertEquals(0777, p.mode());
    }

    @Test
    void theLeafIsNeverASymbolicLinkEvenOneWeOwnPointingSomewhereTrusted() throws Exception {
        Path real = Files.createDirectory(base.resolve("real"));
        Path link = Files.createSymbolicLink(base.resolve("link"), real);
        TrustProblem p = trust.inspect(link, Kind.DIRECTORY).orElseThrow();
        assertEquals(link, p.path());
        assertTrue(p.reason().contains("symbolic link"), p.reason());
    }

    @Test
    void aLinkAboveThePathIsFollowedOnlyWhenATrustedUidOwnsItAndTheTargetIsCheckedToo() throws Exception {
        Path real = Files.createDirectory(base.resolve("real"));
        Files.createDirectory(real.resolve("state"));
        Path link = Files.createSymbolicLink(base.resolve("alias"), real);
        assertEquals(Optional.empty(), trust.inspect(link.resolve("state"), Kind.DIRECTORY));

        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEquals(
                real,
                trust.inspect(link.resolve("state"), Kind.DIRECTORY)
                        .orElseThrow()
                        .path(),
                "the link's target is checked like any directory");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-xr-x"));

        PathTrust t = givenToAStranger(link);
        assertEquals(
                link,
                t.inspect(link.resolve("state"), Kind.DIRECTORY).orElseThrow().path(),
                "a link someone else owns is not followed");
    }

    @Test
    void aLinkLoopEndsWithAProblemNotAHang() throws Exception {
        Path a = base.resolve("a");
        Path b = base.resolve("b");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        TrustProblem p = trust.inspect(a.resolve("x"), Kind.DIRECTORY).orElseThrow();
        assertTrue(p.reason().contains("too many"), p.reason());
    }

    @Test
    void filesMustBeRegularAndNotWritableByOthers() throws Exception {
        Path config = Files.writeString(base.resolve("helper.json"), "{}");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), trust.inspect(config, Kind.FILE));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(trust.inspect(config, Kind.FILE).isPresent());
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(trust.inspect(base, Kind.FILE).orElseThrow().reason().contains("not a regular file"));
        Path link = Files.createSymbolicLink(base.resolve("helper-link.json"), config);
        assertTrue(trust.inspect(link, Kind.FILE).orElseThrow().reason().contains("symbolic link"));
    }

    @Test
    void aMissingPathIsAProblemNamingTheFirstMissingComponent() {
        TrustProblem p =
                trust.inspect(base.resolve("no/such/dir"), Kind.DIRECTORY).orElseThrow();
        assertEquals(base.resolve("no"), p.path());
        assertEquals(-1, p.uid());
    }

    @Test
    void createDirectoriesMakesMissingComponentsWithTheAskedModeAndNeverTouchesExistingOnes() throws Exception {
        Path existing = Files.createDirectory(base.resolve("existing"));
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwx------"));
        Path made = trust.createDirectories(existing.resolve("run/deep"), "rwxr-xr-x", "socket directory");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        assertEquals(
                "rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)),
                "an existing directory's mode is left alone");
    }

    @Test
    void createDirectoriesRefusesToBuildInsideAnUntrustedDirectoryAndCreatesNothing() throws Exception {
        Path open = Files.createDirectory(base.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        UntrustedPathException e = assertThrows(
                UntrustedPathException.class,
                () -> trust.createDirectories(open.resolve("state/run"), "rwxr-xr-x", "state directory"));
        assertTrue(e.getMessage().contains(open.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("mode 0777"), e.getMessage());
        assertTrue(!Files.exists(open.resolve("state")), "nothing is created in an untrusted directory");
    }

    @Test
    void requireCreatableChecksTheDeepestExistingAncestorAndNamesItAsTheCulprit() throws Exception {
        Path open = Files.createDirectory(base.resolve("open"));
        Path wanted = open.resolve("state/log");
        assertEquals(open, trust.requireCreatable(wanted, "log directory"), "checked where it would be created");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        UntrustedPathException e =
                assertThrows(UntrustedPathException.class, () -> trust.requireCreatable(wanted, "log directory"));
        assertTrue(
                e.getMessage()
                        .startsWith("refusing to use log directory " + wanted + ": " + open + " (uid " + ME
                                + ", mode 0777)"),
                e.getMessage());
        assertEquals(open, e.problem().path());
        assertTrue(!Files.exists(open.resolve("state")), "checking creates nothing");
    }

    @Test
    void createDirectoriesRefusesAPlantedLinkWhereADirectoryShouldBe() throws Exception {
        Path elsewhere = Files.createDirectory(base.resolve("elsewhere"));
        Files.createSymbolicLink(base.resolve("state"), elsewhere);
        assertThrows(
                UntrustedPathException.class,
                () -> trust.createDirectories(base.resolve("state"), "rwx------", "state directory"));
    }

    @Test
    void theMessageNamesPathOwnerModeAndFix() throws Exception {
        Path dir = Files.createDirectory(base.resolve("loose"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));
        UntrustedPathException e =
                assertThrows(UntrustedPathException.class, () -> trust.require(dir, Kind.DIRECTORY, "state directory"));
        assertTrue(e.getMessage().startsWith("refusing to use state directory " + dir), e.getMessage());
        assertTrue(e.getMessage().contains("uid " + ME + ", mode 0775"), e.getMessage());
        assertTrue(e.getMessage().contains("fix: chmod go-w " + dir), e.getMessage());
    }

    @Test
    void everyProblemShowsTheOwnerAndPermissionBitsOfTheComponentAsLsWould() throws Exception {
        Path file = Files.writeString(base.resolve("plain"), "");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        TrustProblem notADirectory =
                trust.inspect(file.resolve("below"), Kind.DIRECTORY).orElseThrow();
        assertEquals("it is not a directory", notADirectory.reason());
        assertEquals("uid " + ME + ", mode 0640", notADirectory.evidence());

        TrustProblem notAFile = trust.inspect(base, Kind.FILE).orElseThrow();
        assertEquals("uid " + ME + ", mode 0755", notAFile.evidence());

        Path link = Files.createSymbolicLink(base.resolve("link"), file);
        assertEquals(0777, trust.inspect(link, Kind.FILE).orElseThrow().mode(), "a link's own bits, as lstat says");

        Path theirs = Files.createDirectory(base.resolve("theirs"));
        TrustProblem owned =
                givenToAStranger(theirs).inspect(theirs, Kind.DIRECTORY).orElseThrow();
        assertEquals(0755, owned.mode());
    }

    @Test
    void fortyLinksOnTheWayAreFollowedAsTheKernelDoesAndTheFortyFirstIsTooMany() throws Exception {
        Files.createDirectories(base.resolve("real/state"));
        // Relative targets, resolved against the link's directory: l1 -> l2 -> ... -> l40 -> real.
        for (int i = 1; i <= 40; i++) {
            Files.createSymbolicLink(base.resolve("l" + i), Path.of(i == 40 ? "real" : "l" + (i + 1)));
        }
        assertEquals(Optional.empty(), trust.inspect(base.resolve("l1/state"), Kind.DIRECTORY));

        Files.createSymbolicLink(base.resolve("l0"), Path.of("l1"));
        TrustProblem p = trust.inspect(base.resolve("l0/state"), Kind.DIRECTORY).orElseThrow();
        assertEquals("too many levels of symbolic links", p.reason());
        assertEquals(base.resolve("l40"), p.path(), "the forty-first link");
        assertEquals(0777, p.mode());
    }

    @Test
    void aComponentThatCannotBeInspectedIsAProblemNotTrust() {
        Path tooLong = base.resolve("x".repeat(300)); // over NAME_MAX: lstat fails without saying ENOENT
        TrustProblem p = trust.inspect(tooLong, Kind.DIRECTORY).orElseThrow();
        assertEquals(tooLong, p.path());
        assertTrue(p.reason().startsWith("cannot inspect it: "), p.reason());
        assertEquals("not inspectable", p.evidence());
    }

    @Test
    void theTrustedOwnersAreRootAndTheGivenUid() throws Exception {
        assertEquals("root", PathTrust.forUid(0).owners());
        PathTrust user = PathTrust.forUid(1000);
        assertEquals(1000, user.trustedUid());
        assertEquals("root or uid 1000", user.owners());

        Path dir = Files.createDirectory(base.resolve("planted"));
        Assumptions.assumeTrue(ME == 0, "needs root to hand a directory to another uid");
        givenToAStranger(dir);
        assertEquals(
                "it is owned by uid " + STRANGER + ", not by root, so that user controls what is found there",
                trust.inspect(dir, Kind.DIRECTORY).orElseThrow().reason());
    }
}
