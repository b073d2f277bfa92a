package dev.tunnelhelper.protocol;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.List;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The one place for {@link FileDescriptor}s as carriers hand them over: the number behind one
 * (to pass it to the shim or a child), one for a raw number (to attach it to a message), and
 * closing the ones nobody is going to use. Every carrier delivers received descriptors as
 * {@link FileDescriptor}s in an {@link Envelope}; the shim works with raw numbers.
 */
public final class FileDescriptors {
    private FileDescriptors() {}

    /** The number behind a received descriptor, e.g. to hand it to a child process. */
    public static int number(FileDescriptor fd) throws IOException {
        return FileDescriptorCast.using(fd).as(Integer.class);
    }

    /** A {@link FileDescriptor} for a raw number (still owned by the caller), to attach it to a message. */
    public static FileDescriptor of(int fd) throws IOException {
        return FileDescriptorCast.unsafeUsing(fd).getFileDescriptor();
    }

    /** Closes each one; a failure on one does not keep the others open. */
    public static void closeQuietly(List<FileDescriptor> fds) {
        for (FileDescriptor fd : fds) {
            try {
                new FileInputStream(fd).close();
            } catch (IOException | RuntimeException ignored) {
                // best effort: the descriptor is being discarded either way
            }
        }
    }
}
