package dev.tunnelhelper.shim;

import com.sun.jna.Pointer;
import java.util.concurrent.atomic.AtomicBoolean;

/** Accepts XPC peers on a Mach service (or anonymously, for tests). macOS only. */
public final class XpcListener implements AutoCloseable {
    private final Pointer handle;
    private final Pointer context;
    private final AtomicBoolean closed = new AtomicBoolean();

    private XpcListener(Pointer handle, Pointer context) {
        this.handle = handle;
        this.context = context;
    }

    /** Listens on a Mach service that launchd registered for this process (plist {@code MachServices}). */
    public static XpcListener listen(String serviceName, XpcHandler handler) {
        NativeShim.get().require(Capability.XPC);
        Pointer ctx = XpcCallbacks.contextFor(handler);
        ErrorBuffer err = new ErrorBuffer();
        Pointer h = NativeShim.get()
                .library()
                .th_xpc_listen(
                        serviceName,
                        XpcCallbacks.ON_PEER,
                        XpcCallbacks.ON_MESSAGE,
                        XpcCallbacks.ON_ERROR,
                        ctx,
                        err.bytes,
                        err.size());
        return adopt(h, ctx, err);
    }

    Pointer handle() {
        return handle;
    }

    /** A listener without a name, reachable only through {@link #connect}: no launchd needed. */
    public static XpcListener anonymous(XpcHandler handler) {
        NativeShim.get().require(Capability.XPC);
        Pointer ctx = XpcCallbacks.contextFor(handler);
        ErrorBuffer err = new ErrorBuffer();
        Pointer h = NativeShim.get()
                .library()
                .th_xpc_listen_anonymous(
                        XpcCallbacks.ON_PEER,
                        XpcCallbacks.ON_MESSAGE,
                        XpcCallbacks.ON_ERROR,
                        ctx,
                        err.bytes,
                        err.size());
        return adopt(h, ctx, err);
    }

    private static XpcListener adopt(Pointer h, Pointer ctx, ErrorBuffer err) {
        if (h == null) {
            XpcCallbacks.forgetContext(ctx);
            throw new NativeException(0, err.text());
        }
        return new XpcListener(h, ctx);
    }

    /** A client connection to this (anonymous) listener through an XPC endpoint. */
    public XpcConnection connect(XpcHandler clientHandler) {
        return connect(null, clientHandler);
    }

    /** The same, requiring this listener's process to satisfy {@code serviceRequirement} (see {@link XpcConnection#connect}). */
    public XpcConnection connect(String serviceRequirement, XpcHandler clientHandler) {
        if (closed.get()) {
            throw new IllegalStateException("XPC listener closed");
        }
        Pointer ctx = XpcCallbacks.contextFor(clientHandler);
        ErrorBuffer err = new ErrorBuffer();
        Pointer h = NativeShim.get()
                .library()
                .th_xpc_connect_endpoint(
                        handle,
                        serviceRequirement,
                        XpcCallbacks.ON_MESSAGE,
                        XpcCallbacks.ON_ERROR,
                        ctx,
                        err.bytes,
                        err.size());
        return XpcConnection.adopt(h, ctx, err);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            NativeShim.get().library().th_xpc_release(handle);
            XpcCallbacks.forgetContext(context);
        }
    }
}
