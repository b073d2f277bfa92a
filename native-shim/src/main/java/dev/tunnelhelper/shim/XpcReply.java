package dev.tunnelhelper.shim;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicReference;

/** The pending answer to one message; used exactly once (send or discard). */
public final class XpcReply {
    private final AtomicReference<Pointer> handle;

    XpcReply(Pointer handle) {
        this.handle = new AtomicReference<>(handle);
    }

    /** Sends the reply; {@code fd} (or -1) is duplicated by XPC, the caller keeps its own. */
    public void send(byte[] payload, int fd) {
        Pointer h = take();
        ErrorBuffer err = new ErrorBuffer();
        err.check(NativeShim.get().library().th_xpc_reply_send(h, payload, payload.length, fd, err.bytes, err.size()));
    }

    public void discard() {
        Pointer h = handle.getAndSet(null);
        if (h != null) {
            NativeShim.get().library().th_xpc_reply_discard(h);
        }
    }

    private Pointer take() {
        Pointer h = handle.getAndSet(null);
        if (h == null) {
            throw new IllegalStateException("reply already sent or discarded");
        }
        return h;
    }
}
