package dev.tunnelhelper.shim;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C API of libtunnelshim (see src/main/c/shim.h). {@code size_t} is mapped to {@code long}:
 * every supported platform is LP64. macOS-only functions are resolved lazily by JNA, so
 * declaring them here is harmless on Linux as long as they are not called ({@link Capability}
 * says whether the loaded library has them).
 */
interface ShimLibrary extends Library {
    int th_capabilities();

    int th_spawn(
            String path,
            String[] argv,
            String[] envp,
            String cwd,
            int[] childFds,
            int[] parentFds,
            int nmap,
            int stdoutFd,
            int stderrFd,
            byte[] err,
            long errlen);

    int th_wait(int pid, long timeoutMs, int[] kind, int[] value, byte[] err, long errlen);

    int th_await_exit(int pid, long timeoutMs, byte[] err, long errlen);

    int th_terminate(int pid, long graceMs, int[] kind, int[] value, byte[] err, long errlen);

    int th_tun_open(String name, byte[] nameOut, long nameOutLen, byte[] err, long errlen);

    int th_tun_name_of(int fd, byte[] nameOut, long nameOutLen, byte[] err, long errlen);

    int th_set_cloexec(int fd, int on, byte[] err, long errlen);

    int th_get_cloexec(int fd, byte[] err, long errlen);

    int th_dup(int fd, byte[] err, long errlen);

    int th_close(int fd, byte[] err, long errlen);

    int th_pipe(int[] fds, byte[] err, long errlen);

    long th_read(int fd, byte[] buf, long len, byte[] err, long errlen);

    long th_write(int fd, byte[] buf, long len, byte[] err, long errlen);

    /** {@code th_read} into native memory: JNA copies a {@code byte[]} argument whole, both ways. */
    long th_read(int fd, Pointer buf, long len, byte[] err, long errlen);

    /** {@code th_write} from native memory, for the same reason. */
    long th_write(int fd, Pointer buf, long len, byte[] err, long errlen);

    int th_wait_readable(int fd, long timeoutMs, byte[] err, long errlen);

    long th_send_nowait(int sock, Pointer buf, long len, byte[] err, long errlen);

    int th_wait_ready_or_woken(int fd, int events, int wakeFd, long timeoutMs, byte[] err, long errlen);

    int th_poll(int[] fds, int[] events, int[] revents, int n, long timeoutMs, byte[] err, long errlen);

    long th_recv_fds(int sock, byte[] buf, long len, int[] fds, int maxFds, int[] nfds, byte[] err, long errlen);

    // ---- ICMP echo ----

    int th_icmp_open(int ipv6, int mode, int[] kindOut, byte[] err, long errlen);

    int th_icmp_send(int fd, int ipv6, byte[] addr, int id, int seq, byte[] payload, long len, byte[] err, long errlen);

    int th_icmp_receive(
            int fd,
            int ipv6,
            int kind,
            byte[] addr,
            int id,
            long timeoutMs,
            int[] seqOut,
            int[] ttlOut,
            byte[] payload,
            long cap,
            long[] payloadLen,
            byte[] err,
            long errlen);

    // ---- Linux: rtnetlink ----

    int th_net_address(int add, String ifname, int ipv6, byte[] addr, int prefix, byte[] err, long errlen);

    int th_net_route(int add, String ifname, int ipv6, byte[] dst, int prefix, byte[] err, long errlen);

    int th_net_link(String ifname, int mtu, int up, byte[] err, long errlen);

    long th_net_list(int routes, String ifname, byte[] out, long outlen, byte[] err, long errlen);

    // ---- macOS: XPC ----

    interface PeerCallback extends Callback {
        int invoke(Pointer ctx, Pointer peer);
    }

    interface MessageCallback extends Callback {
        void invoke(Pointer ctx, Pointer conn, Pointer payload, long len, int fd, Pointer reply);
    }

    interface ErrorCallback extends Callback {
        void invoke(Pointer ctx, Pointer conn, int kind, String text);
    }

    interface ReplyCallback extends Callback {
        void invoke(Pointer ctx, Pointer payload, long len, int fd, String error);
    }

    Pointer th_xpc_listen(
            String serviceName,
            PeerCallback onPeer,
            MessageCallback onMessage,
            ErrorCallback onError,
            Pointer ctx,
            byte[] err,
            long errlen);

    Pointer th_xpc_listen_anonymous(
            PeerCallback onPeer,
            MessageCallback onMessage,
            ErrorCallback onError,
            Pointer ctx,
            byte[] err,
            long errlen);

    Pointer th_xpc_connect(
            String serviceName,
            int privileged,
            String requirement,
            MessageCallback onMessage,
            ErrorCallback onError,
            Pointer ctx,
            byte[] err,
            long errlen);

    Pointer th_xpc_connect_endpoint(
            Pointer anonymousListener,
            String requirement,
            MessageCallback onMessage,
            ErrorCallback onError,
            Pointer ctx,
            byte[] err,
            long errlen);

    /** A client connection from th_xpc_connect*: nothing is delivered before this. */
    int th_xpc_activate(Pointer conn, byte[] err, long errlen);

    int th_xpc_set_peer_requirement(Pointer conn, String requirement, byte[] err, long errlen);

    int th_xpc_peer_euid(Pointer conn);

    int th_xpc_peer_pid(Pointer conn);

    int th_xpc_send(Pointer conn, byte[] payload, long len, int fd, byte[] err, long errlen);

    int th_xpc_send_sync(
            Pointer conn,
            byte[] payload,
            long len,
            int fd,
            PointerByReference replyPayload,
            LongByReference replyLen,
            IntByReference replyFd,
            byte[] err,
            long errlen);

    int th_xpc_send_async(
            Pointer conn,
            byte[] payload,
            long len,
            int fd,
            ReplyCallback onReply,
            Pointer ctx,
            byte[] err,
            long errlen);

    int th_xpc_reply_send(Pointer reply, byte[] payload, long len, int fd, byte[] err, long errlen);

    void th_xpc_reply_discard(Pointer reply);

    void th_xpc_cancel(Pointer conn);

    void th_xpc_release(Pointer conn);

    void th_free(Pointer p);

    // ---- macOS: system sleep/wake ----

    interface PowerCallback extends Callback {
        void invoke(Pointer ctx, int event);
    }

    Pointer th_power_watch(PowerCallback callback, Pointer ctx, byte[] err, long errlen);

    void th_power_unwatch(Pointer watch);

    // ---- macOS: unified logging ----

    Pointer th_log_open(String subsystem, String category);

    void th_log_write(Pointer log, int level, String message);

    // ---- macOS: code signatures ----

    // ---- the XPC simulator's own controls (libtunnelshim-xpcsim only) ----

    int xpcsim_codesign_sign(String path, String identifier, String team, String anchor, byte[] err, long errlen);

    int xpcsim_codesign_tamper(String path, byte[] err, long errlen);

    int xpcsim_power_post(int type, long timeoutMs, byte[] out, long outlen);

    int th_codesign_check(
            String path,
            String requirement,
            byte[] identOut,
            long identLen,
            byte[] teamOut,
            long teamLen,
            byte[] err,
            long errlen);
}
