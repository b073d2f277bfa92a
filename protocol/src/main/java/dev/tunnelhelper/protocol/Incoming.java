package dev.tunnelhelper.protocol;

import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request or one-way message delivered to a {@link Speaker.Handler}. A request is answered
 * with {@link #reply}; the speaker fills in {@code response_to}.
 */
public final class Incoming<S, R> {
    private final Speaker<S, R> speaker;
    private final R message;
    private final List<FileDescriptor> fds;
    private final long msgId;
    private final AtomicBoolean answered = new AtomicBoolean();

    Incoming(Speaker<S, R> speaker, R message, List<FileDescriptor> fds, long msgId) {
        this.speaker = speaker;
        this.message = message;
        this.fds = fds;
        this.msgId = msgId;
    }

    public R message() {
        return message;
    }

    /** Descriptors that arrived with the message; the handler owns them. */
    public List<FileDescriptor> fds() {
        return fds;
    }

    /** Whether the peer expects a reply. */
    public boolean isRequest() {
        return msgId != 0;
    }

    public long msgId() {
        return msgId;
    }

    public Speaker<S, R> speaker() {
        return speaker;
    }

    /** Whether {@link #reply} has been called (whatever became of the send). */
    public boolean answered() {
        return answered.get();
    }

    public void reply(S response) throws IOException {
        reply(response, List.of());
    }

    public void reply(S response, List<FileDescriptor> fds) throws IOException {
        if (!isRequest()) {
            throw new IllegalStateException("a one-way message cannot be replied to");
        }
        answered.set(true);
        speaker.sendReply(msgId, response, fds);
    }
}
