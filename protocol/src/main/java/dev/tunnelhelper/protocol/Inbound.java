package dev.tunnelhelper.protocol;

import java.io.FileDescriptor;
import java.util.List;

/**
 * A received message with the file descriptors that arrived with it. The receiver owns the
 * descriptors and must close them (or hand them on).
 */
public record Inbound<R>(R message, List<FileDescriptor> fds) {
    public Inbound {
        fds = List.copyOf(fds);
    }

    public static <R> Inbound<R> of(R message) {
        return new Inbound<>(message, List.of());
    }
}
