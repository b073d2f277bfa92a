package dev.tunnelhelper.protocol;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.List;

/** Received descriptors nobody is going to use: they must be closed, not leaked. */
public final class FileDescriptors {
    private FileDescriptors() {}

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
