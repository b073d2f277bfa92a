package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group names to gids, as the config's {@code appAccess.allowedGroups} and the app socket's
 * group are given: a number is taken as it is, a name is looked up in the group file
 * ({@code name:password:gid:members}, one group a line).
 */
class GroupDirectoryTest {
    @TempDir
    Path dir;

    private GroupDirectory directory(String... lines) throws IOException {
        Path file = dir.resolve("group");
        Files.write(file, java.util.List.of(lines));
        return new GroupDirectory(file);
    }

    @Test
    void aNameIsLookedUpInTheGroupFile() throws IOException {
        GroupDirectory groups = directory("root:x:0:", "staff:x:50:alice,bob", "tunnel-users:x:1234:");
        assertEquals(Optional.of(50L), groups.gidOf("staff"));
        assertEquals(Optional.of(1234L), groups.gidOf("tunnel-users"));
        assertEquals(Optional.of(0L), groups.gidOf("root"));
    }

    @Test
    void onlyTheWholeNameMatchesNotAMemberOrAPrefix() throws IOException {
        GroupDirectory groups = directory("staff:x:50:alice", "alice:x:1001:");
        assertEquals(Optional.empty(), groups.gidOf("sta"));
        assertEquals(Optional.empty(), groups.gidOf("nobody-here"));
        assertEquals(Optional.of(1001L), groups.gidOf("alice"), "alice's own group, not staff where she is a member");
    }

    @Test
    void aLineWithoutAGidFieldIsSkippedAThreeFieldLineIsEnough() throws IOException {
        GroupDirectory groups = directory("broken:x", "short:x:7", "broken:x:8:");
        assertEquals(Optional.of(7L), groups.gidOf("short"), "the members field may be missing altogether");
        assertEquals(Optional.of(8L), groups.gidOf("broken"), "the later, complete line of that name");
    }

    @Test
    void aNumberIsAGidAsItIsWithoutReadingTheFile() throws IOException {
        GroupDirectory nowhere = new GroupDirectory(dir.resolve("no-such-file"));
        assertEquals(Optional.of(2002L), nowhere.gidOf("2002"));
        assertEquals(Optional.of(0L), nowhere.gidOf("0"));
    }

    @Test
    void aNameThatOnlyStartsWithDigitsIsAName() throws IOException {
        GroupDirectory groups = directory("1password:x:3003:");
        assertEquals(Optional.of(3003L), groups.gidOf("1password"));
    }

    @Test
    void anEmptyNameIsNoGroup() throws IOException {
        assertEquals(Optional.empty(), directory("root:x:0:", "staff:x:50:").gidOf(""));
    }

    @Test
    void aMissingGroupFileIsAnErrorForAName() {
        GroupDirectory nowhere = new GroupDirectory(dir.resolve("no-such-file"));
        assertThrows(NoSuchFileException.class, () -> nowhere.gidOf("staff"));
    }

    @Test
    void theSystemDirectoryAgreesWithTheSystemOnTheGroupOfAFileWeCreate() throws IOException {
        Path file = Files.createFile(dir.resolve("ours"));
        String group = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .group()
                .getName();
        Object gid = Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        assertEquals(
                Optional.of(((Integer) gid).longValue()),
                GroupDirectory.system().gidOf(group),
                group);
    }
}
