package dev.tunnelhelper.shim;

import com.sun.jna.CallbackThreadInitializer;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single set of native callbacks for every XPC connection. They are static so JNA's
 * trampolines live as long as the JVM (a collected callback would crash XPC), and each
 * one catches everything because an exception must never unwind into libdispatch.
 * Native code passes a context number that selects the Java handler.
 */
final class XpcCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(XpcCallbacks.class);
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final Map<Long, XpcHandler> HANDLERS = new ConcurrentHashMap<>();
    private static final Map<Long, XpcConnection> CONNECTIONS = new ConcurrentHashMap<>();
    private static final Map<Long, CompletableFuture<XpcMessage>> PENDING_REPLIES = new ConcurrentHashMap<>();

    static final ShimLibrary.PeerCallback ON_PEER = (ctx, peer) -> {
        try {
            XpcHandler handler = HANDLERS.get(Pointer.nativeValue(ctx));
            if (handler == null) {
                return 0;
            }
            XpcConnection connection = new XpcConnection(peer);
            register(connection);
            boolean accepted = handler.accept(connection);
            if (!accepted) {
                // The shim cancels and releases a rejected peer itself.
                CONNECTIONS.remove(Pointer.nativeValue(peer));
            }
            return accepted ? 1 : 0;
        } catch (Throwable t) {
            LOG.error("XPC peer callback failed; rejecting the peer", t);
            return 0;
        }
    };

    static final ShimLibrary.MessageCallback ON_MESSAGE = (ctx, conn, payload, len, fd, reply) -> {
        XpcReply pendingReply = reply == null ? null : new XpcReply(reply);
        try {
            XpcHandler handler = HANDLERS.get(Pointer.nativeValue(ctx));
            XpcConnection connection = CONNECTIONS.get(Pointer.nativeValue(conn));
            byte[] bytes = len == 0 ? new byte[0] : payload.getByteArray(0, (int) len);
            XpcMessage message = XpcMessage.of(bytes, fd);
            if (handler == null || connection == null) {
                message.fd().ifPresent(OwnedFd::close);
                if (pendingReply != null) {
                    pendingReply.discard();
                }
                return;
            }
            handler.onMessage(connection, message, pendingReply);
        } catch (Throwable t) {
            LOG.error("XPC message handler failed", t);
            if (pendingReply != null) {
                pendingReply.discard();
            }
        }
    };

    static final ShimLibrary.ErrorCallback ON_ERROR = (ctx, conn, kind, text) -> {
        try {
            XpcHandler handler = HANDLERS.get(Pointer.nativeValue(ctx));
            XpcError error = new XpcError(XpcError.Kind.fromNative(kind), text);
            if (handler != null && conn == null) {
                // The listener's own error: the shim names no connection (it may come before
                // th_xpc_listen has even returned), the context names its handler.
                handler.onListenerError(error);
                return;
            }
            XpcConnection connection = CONNECTIONS.get(Pointer.nativeValue(conn));
            if (handler != null && connection != null) {
                handler.onError(connection, error);
            }
        } catch (Throwable t) {
            LOG.error("XPC error handler failed", t);
        }
    };

    static final ShimLibrary.ReplyCallback ON_REPLY = (ctx, payload, len, fd, error) -> {
        CompletableFuture<XpcMessage> future = PENDING_REPLIES.remove(Pointer.nativeValue(ctx));
        try {
            if (future == null) {
                if (fd >= 0) {
                    OwnedFd.adopt(fd).close();
                }
                return;
            }
            if (error != null) {
                future.completeExceptionally(new NativeException(0, "XPC reply failed: " + error));
            } else {
                future.complete(XpcMessage.of(len == 0 ? new byte[0] : payload.getByteArray(0, (int) len), fd));
            }
        } catch (Throwable t) {
            LOG.error("XPC reply callback failed", t);
            if (future != null) {
                future.completeExceptionally(t);
            }
        }
    };

    static {
        for (var callback : new com.sun.jna.Callback[] {ON_PEER, ON_MESSAGE, ON_ERROR, ON_REPLY}) {
            Native.setCallbackThreadInitializer(callback, new CallbackThreadInitializer(true, false, "xpc-callback"));
        }
    }

    private XpcCallbacks() {}

    static Pointer contextFor(XpcHandler handler) {
        long id = NEXT_ID.getAndIncrement();
        HANDLERS.put(id, handler);
        return new Pointer(id);
    }

    static void forgetContext(Pointer ctx) {
        HANDLERS.remove(Pointer.nativeValue(ctx));
    }

    static Pointer pendingReply(CompletableFuture<XpcMessage> future) {
        long id = NEXT_ID.getAndIncrement();
        PENDING_REPLIES.put(id, future);
        return new Pointer(id);
    }

    static void dropPendingReply(Pointer ctx) {
        PENDING_REPLIES.remove(Pointer.nativeValue(ctx));
    }

    static void register(XpcConnection connection) {
        CONNECTIONS.put(Pointer.nativeValue(connection.handle()), connection);
    }

    static void unregister(XpcConnection connection) {
        CONNECTIONS.remove(Pointer.nativeValue(connection.handle()));
    }
}
