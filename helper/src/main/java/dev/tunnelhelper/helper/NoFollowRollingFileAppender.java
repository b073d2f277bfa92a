package dev.tunnelhelper.helper;

import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * logback's rolling file appender, except that the log file is opened the way a root process
 * must open a file: never through a symbolic link ({@code O_NOFOLLOW}: a link planted at
 * {@code helper.log} is an error, not a way to append to {@code /etc/ld.so.preload}), and
 * created {@code rw-r-----}. The directory itself is checked by {@link TrustedLayout} first,
 * so nobody else can plant anything in it afterwards.
 */
public final class NoFollowRollingFileAppender<E> extends RollingFileAppender<E> {

    @Override
    public void openFile(String fileName) throws IOException {
        streamWriteLock.lock();
        try {
            var channel = Files.newByteChannel(
                    Path.of(fileName),
                    Set.of(
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND,
                            StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
            setOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
        } finally {
            streamWriteLock.unlock();
        }
    }
}
