package dev.tunnelhelper.helper.apps;

import dev.tunnelhelper.protocol.EncodedFrame;
import dev.tunnelhelper.protocol.Speaker;
import dev.tunnelhelper.protocol.helper.AppMessage;
import dev.tunnelhelper.protocol.helper.HelperAppMessage;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.OwnedFd;
import java.io.IOException;

/** Where the {@link PushWriter} writes one subscriber's bytes; used by that thread alone. */
sealed interface SubscriberOutput extends AutoCloseable {

    /** Writes what it can of {@code frame} from {@code offset} without blocking; the bytes taken, 0 when none fit now. */
    int write(EncodedFrame<HelperAppMessage> frame, int offset) throws IOException;

    /** The descriptor to wait on for room after a write took less than it was given. */
    int socket();

    @Override
    void close();

    /**
     * A Unix socket the writer owns a duplicate of (so its number names this socket until the
     * writer closes it, whoever closes the connection's own): non-blocking sends of the frame's
     * shared native copy, resuming at the offset where the last one stopped.
     */
    record UnixSocket(OwnedFd fd) implements SubscriberOutput {
        @Override
        public int write(EncodedFrame<HelperAppMessage> frame, int offset) throws IOException {
            try {
                return Fds.sendNoWait(fd.get(), frame.direct(), offset, frame.size() - offset);
            } catch (NativeException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public int socket() {
            return fd.get();
        }

        @Override
        public void close() {
            fd.close();
        }
    }

    /** A carrier whose sends queue instead of blocking (XPC): each frame goes whole, as one message. */
    record Messages(Speaker<HelperAppMessage, AppMessage> speaker) implements SubscriberOutput {
        @Override
        public int write(EncodedFrame<HelperAppMessage> frame, int offset) throws IOException {
            speaker.sendEncoded(frame);
            return frame.size() - offset;
        }

        @Override
        public int socket() {
            throw new IllegalStateException("a message carrier has no socket to wait on");
        }

        @Override
        public void close() {
            // the speaker is the connection's: closed with it
        }
    }
}
