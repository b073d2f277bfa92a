package dev.tunnelhelper.shim;

import java.util.Optional;

/** One XPC message: the {@code payload} bytes and, if one was attached, the received fd (now ours). */
@SuppressWarnings("ArrayRecordComponent") // handed over once, never compared
public record XpcMessage(byte[] payload, Optional<OwnedFd> fd) {

    static XpcMessage of(byte[] payload, int fd) {
        return new XpcMessage(payload, fd >= 0 ? Optional.of(OwnedFd.adopt(fd)) : Optional.empty());
    }
}
