package dev.tunnelhelper.helper.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, attack 1: a user who creates the state directory before root runs
 * {@code tunnel-helper run --state-dir D} must get nothing out of it: the helper refuses with one
 * error naming the path, its owner and mode, and the fix; it reads no file there, follows no
 * link, changes no mode and creates nothing. Runs the real command as root (uid 65534 stands for
 * the attacker's files).
 */
@Timeout(120)
@RequiresRootAndTun
class PlantedStateDirectoryTest {
    private static final int ATTACKER = 65534;

    @TempDir
    Path tmp;

    private Path dir;
    private HelperProcesses helpers;
    private Path rootFile;
    private Path rootOnlyDir;

    @BeforeEach
    void rootOwnedTargets() throws Exception {
        // @TempDir is 0700: make the tree above the test's directories like /tmp's children, reachable and root's.
        dir = Files.createDirectory(tmp.resolve("d"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        helpers = new HelperProcesses(dir);
        rootFile = Files.writeString(dir.resolve("ld.so.preload"), "original\n");
        rootOnlyDir = Files.createDirectory(dir.resolve("root-only"));
        Files.setPosixFilePermissions(rootOnlyDir, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void reap() throws Exception {
        helpers.close();
    }

    /** Runs {@code tunnel-helper run --state-dir STATE ARGS}, which must refuse (exit 2); returns what it said. */
    private String refusal(Path state, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("run", "--state-dir", state.toString()));
        argv.addAll(List.of(args));
        HelperProcesses.Finished run = helpers.run(argv.toArray(String[]::new));
        assertEquals(2, run.exit(), run.output());
        return run.output();
    }

    private static void giveToAttacker(Path p) throws Exception {
        Files.setAttribute(p, "unix:uid", ATTACKER, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", ATTACKER, LinkOption.NOFOLLOW_LINKS);
    }

    /** The attack as found: planted dir, its own config, log/helper.log and bin linked at root's files. */
    @Test
    void aStateDirectoryPlantedByAnotherUserIsRefusedAndNothingInItIsReadFollowedOrChanged() throws Exception {
        Path planted = Files.createDirectory(dir.resolve("th"));
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path config = Files.writeString(planted.resolve("helper.json"), "{\"minimumVersion\": \"read-by-root\"}");
        Path log = Files.createDirectory(planted.resolve("log"));
        Path logLink = Files.createSymbolicLink(log.resolve("helper.log"), rootFile);
        Path binLink = Files.createSymbolicLink(planted.resolve("bin"), rootOnlyDir);
        for (Path p : List.of(planted, config, log, logLink, binLink)) {
            giveToAttacker(p);
        }

        String said = refusal(planted);

        assertEquals(
                "tunnel-helper: refusing to use state directory " + planted + ": " + planted
                        + " (uid 65534, mode 0755): it is owned by uid "
                        + ATTACKER
                        + ", not by root, so that user controls what is found there; fix: use a directory that root created itself"
                        + " (e.g. mktemp -d as root), or chown root " + planted + "\n",
                said);
        assertFalse(said.contains("read-by-root"), "the planted config was never read");
        assertEquals("original\n", Files.readString(rootFile), "nothing was appended through the planted log link");
        assertEquals(
                "rwx------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(rootOnlyDir)),
                "the linked directory kept its mode");
        assertFalse(Files.exists(planted.resolve("run")), "nothing was created in it");
    }

    @Test
    void aConfigFileAnotherUserOwnsOrEveryoneCanWriteIsRefusedBeforeItIsRead() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path config = Files.writeString(state.resolve("helper.json"), "{\"minimumVersion\": \"read-by-root\"}");
        giveToAttacker(config);

        String owned = refusal(state);
        assertTrue(
                owned.startsWith("tunnel-helper: refusing to use config file " + config + ": " + config
                        + " (uid 65534, mode 0644)"),
                owned);

        Files.setAttribute(config, "unix:uid", 0);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
        String writable = refusal(state);
        assertTrue(writable.contains("(uid 0, mode 0666): it is writable by group or others"), writable);
        assertTrue(writable.contains("fix: chmod go-w " + config), writable);
        assertFalse(writable.contains("read-by-root"));
    }

    @Test
    void aLinkedLogOrBinaryDirectoryOrLogFileIsRefusedAndWhatItPointsAtIsLeftAlone() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path binLink = Files.createSymbolicLink(state.resolve("bin"), rootOnlyDir);
        String bin = refusal(state);
        assertTrue(
                bin.contains("refusing to use binary directory " + binLink + ": " + binLink
                        + " (uid 0, mode 0777): it is a symbolic link"),
                bin);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rootOnlyDir)));
        Files.delete(binLink);

        Path log = Files.createDirectory(state.resolve("log"));
        Path logLink = Files.createSymbolicLink(log.resolve("helper.log"), rootFile);
        String file = refusal(state);
        assertTrue(
                file.contains("refusing to use log file " + logLink + ": " + logLink
                        + " (uid 0, mode 0777): it is a symbolic link"),
                file);
        assertEquals("original\n", Files.readString(rootFile));
    }

    /** A pinned key another user can replace pins nothing: they would sign their own binary with their own key. */
    @Test
    void aPinnedKeyAnotherUserOwnsIsRefused() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path key = Files.writeString(dir.resolve("signing-key.pub.pem"), "-----BEGIN PUBLIC KEY-----\n");
        giveToAttacker(key);
        String refused = refusal(state, "--ed25519-key", key.toString());
        assertTrue(
                refused.startsWith("tunnel-helper: refusing to use pinned Ed25519 key " + key + ": " + key
                        + " (uid 65534, mode 0644)"),
                refused);
    }

    @Test
    void aDirectoryAnotherUserOwnsInsideATrustedStateDirectoryIsRefusedByName() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path run = Files.createDirectory(state.resolve("run"));
        giveToAttacker(run);
        String refused = refusal(state);
        assertTrue(
                refused.startsWith("tunnel-helper: refusing to use socket directory " + run + ": " + run
                        + " (uid 65534, mode 0755)"),
                refused);
        assertFalse(Files.exists(state.resolve("log")), "checked everything before creating anything");
    }
}
