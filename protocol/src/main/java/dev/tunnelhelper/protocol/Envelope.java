package dev.tunnelhelper.protocol;

import java.io.FileDescriptor;
import java.util.List;

/**
 * A message as a carrier received it, with the file descriptors that came along (SCM_RIGHTS on a
 * Unix socket, the {@code fd} key of an XPC message). The receiver owns the descriptors and must
 * close them or hand them on. The {@link Speaker} turns a request or one-way envelope into an
 * {@link Incoming} for its handler.
 */
public record Envelope<R>(R message, List<FileDescriptor> fds) {
    public Envelope {
        fds = List.copyOf(fds);
    }

    public static <R> Envelope<R> of(R message) {
        return new Envelope<>(message, List.of());
    }
}
