package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The installed binary's hashes are remembered only as long as nothing about the file changed. */
class FileHashMemoTest {
    @TempDir
    Path tmp;

    /**
     * Same inode, same size, mtime put back: only ctime tells that the content was rewritten
     * (nobody can set ctime back), so it must be part of the file's identity.
     */
    @Test
    void aSameSizeRewriteInPlaceWithItsMtimeRestoredIsHashedAgain() throws Exception {
        Path file = Files.writeString(tmp.resolve("coder"), "#!/bin/sh\necho one\n");
        FileHashMemo memo = new FileHashMemo();
        FileHashes before = memo.hashes(file);
        FileTime mtime = Files.getLastModifiedTime(file);
        Object inode = Files.getAttribute(file, "unix:ino");
        Object ctime = Files.getAttribute(file, "unix:ctime");

        Files.write(
                file,
                "#!/bin/sh\necho two\n".getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(file, mtime);
        assertEquals(inode, Files.getAttribute(file, "unix:ino"), "rewritten in place");
        assertEquals(before.size(), Files.size(file), "same size");
        assertEquals(mtime, Files.getLastModifiedTime(file), "mtime put back");
        assertNotEquals(ctime, Files.getAttribute(file, "unix:ctime"), "the rewrite moved ctime");

        FileHashes after = memo.hashes(file);
        assertEquals(FileHasher.hash(file), after);
        assertNotEquals(before.sha256(), after.sha256(), "the memo answered for content that is no longer there");
    }
}
