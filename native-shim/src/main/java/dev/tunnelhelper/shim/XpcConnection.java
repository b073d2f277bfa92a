package dev.tunnelhelper.shim;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** One XPC connection (a client's, or a peer accepted by an {@link XpcListener}). macOS only. */
public final class XpcConnection implements AutoCloseable {
    private final Pointer handle;
    private final Pointer ownContext;
    private final AtomicBoolean closed = new AtomicBoolean();

    XpcConnection(Pointer handle) {
        this(handle, null);
    }

    private XpcConnection(Pointer handle, Pointer ownContext) {
        this.handle = handle;
        this.ownContext = ownContext;
    }

    /** Connects to a Mach service; {@code privileged} requires the service to be a root LaunchDaemon's. */
    public static XpcConnection connect(String serviceName, boolean privileged, XpcHandler handler) {
        return connect(serviceName, privileged, null, handler);
    }

    /**
     * Connects to a Mach service that must satisfy {@code serviceRequirement} (a code-signing
     * requirement, or null for none), set before the connection is activated: a reply from a
     * service that fails it never arrives, the request fails and the handler gets
     * {@link XpcError.Kind#PEER_CODE_SIGNING_REQUIREMENT}. A requirement that does not compile
     * is a {@link NativeException} (EINVAL).
     */
    public static XpcConnection connect(
            String serviceName, boolean privileged, String serviceRequirement, XpcHandler handler) {
        NativeShim.get().require(Capability.XPC);
        Pointer ctx = XpcCallbacks.contextFor(handler);
        ErrorBuffer err = new ErrorBuffer();
        Pointer h = NativeShim.get()
                .library()
                .th_xpc_connect(
                        serviceName,
                        privileged ? 1 : 0,
                        serviceRequirement,
                        XpcCallbacks.ON_MESSAGE,
                        XpcCallbacks.ON_ERROR,
                        ctx,
                        err.bytes,
                        err.size());
        return adopt(h, ctx, err);
    }

    /**
     * Takes a client connection the shim created but did not activate: its events find their
     * handler by this handle, so it is filed before activation. A service may send first (the
     * helper tells a refused peer why before the peer asks anything), and an event that arrived
     * in between would have been dropped.
     */
    static XpcConnection adopt(Pointer h, Pointer ctx, ErrorBuffer err) {
        if (h == null) {
            XpcCallbacks.forgetContext(ctx);
            throw new NativeException(0, err.text());
        }
        XpcConnection connection = new XpcConnection(h, ctx);
        XpcCallbacks.register(connection);
        ErrorBuffer activation = new ErrorBuffer();
        int rc = NativeShim.get().library().th_xpc_activate(h, activation.bytes, activation.size());
        if (rc != 0) {
            connection.close();
            activation.check(rc);
        }
        return connection;
    }

    Pointer handle() {
        return handle;
    }

    /**
     * Only a peer that satisfies the code-signing requirement may talk to us (macOS 12+). Only in
     * {@link XpcHandler#accept}, before the peer is activated, and once; for a client, pass the
     * requirement to {@code connect}. Else a {@link NativeException} (EBUSY).
     */
    public void setPeerRequirement(String requirement) {
        ErrorBuffer err = new ErrorBuffer();
        err.check(NativeShim.get().library().th_xpc_set_peer_requirement(live(), requirement, err.bytes, err.size()));
    }

    public int peerEuid() {
        return NativeShim.get().library().th_xpc_peer_euid(live());
    }

    public int peerPid() {
        return NativeShim.get().library().th_xpc_peer_pid(live());
    }

    /** Fire and forget; {@code fd} (or -1) is duplicated by XPC, the caller keeps its own. */
    public void send(byte[] payload, int fd) {
        ErrorBuffer err = new ErrorBuffer();
        err.check(NativeShim.get().library().th_xpc_send(live(), payload, payload.length, fd, err.bytes, err.size()));
    }

    /** Blocks until the peer replies or the connection fails. Never call it on an XPC callback thread. */
    public XpcMessage sendWithReply(byte[] payload, int fd) {
        PointerByReference replyPayload = new PointerByReference();
        LongByReference replyLen = new LongByReference();
        IntByReference replyFd = new IntByReference(-1);
        ErrorBuffer err = new ErrorBuffer();
        ShimLibrary lib = NativeShim.get().library();
        err.check(lib.th_xpc_send_sync(
                live(), payload, payload.length, fd, replyPayload, replyLen, replyFd, err.bytes, err.size()));
        Pointer p = replyPayload.getValue();
        try {
            long len = replyLen.getValue();
            return XpcMessage.of(len == 0 ? new byte[0] : p.getByteArray(0, (int) len), replyFd.getValue());
        } finally {
            lib.th_free(p);
        }
    }

    public CompletableFuture<XpcMessage> sendWithReplyAsync(byte[] payload, int fd) {
        CompletableFuture<XpcMessage> future = new CompletableFuture<>();
        Pointer ctx = XpcCallbacks.pendingReply(future);
        ErrorBuffer err = new ErrorBuffer();
        try {
            err.check(NativeShim.get()
                    .library()
                    .th_xpc_send_async(
                            live(), payload, payload.length, fd, XpcCallbacks.ON_REPLY, ctx, err.bytes, err.size()));
        } catch (RuntimeException e) {
            XpcCallbacks.dropPendingReply(ctx);
            throw e;
        }
        return future;
    }

    private Pointer live() {
        if (closed.get()) {
            throw new IllegalStateException("XPC connection closed");
        }
        return handle;
    }

    /** Cancels and releases the connection; later events for it are ignored. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            XpcCallbacks.unregister(this);
            NativeShim.get().library().th_xpc_release(handle);
            if (ownContext != null) {
                XpcCallbacks.forgetContext(ownContext);
            }
        }
    }
}
