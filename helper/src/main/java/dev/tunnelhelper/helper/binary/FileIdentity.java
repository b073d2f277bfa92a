package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * What identifies one version of a file on disk without reading it: device, inode, size,
 * mtime and ctime. ctime is included because nobody can set it back, so even a rewrite that
 * restores mtime changes the identity.
 */
record FileIdentity(Object dev, Object inode, long size, Object modified, Object changed) {

    static FileIdentity of(Path file) throws IOException {
        Map<String, Object> a =
                Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
        return new FileIdentity(
                a.get("dev"), a.get("ino"), (Long) a.get("size"), a.get("lastModifiedTime"), a.get("ctime"));
    }
}
