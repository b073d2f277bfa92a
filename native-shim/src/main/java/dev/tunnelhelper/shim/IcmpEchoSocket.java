package dev.tunnelhelper.shim;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A socket that sends ICMP (IPv4) or ICMPv6 echo requests and receives the matching replies,
 * without an installed {@code ping}. {@link Kind#DATAGRAM} needs no privilege where the system
 * allows it (Linux: the caller's group in {@code net.ipv4.ping_group_range}; macOS: always);
 * {@link Kind#RAW} needs root or {@code CAP_NET_RAW}. One thread uses a socket at a time.
 */
public final class IcmpEchoSocket implements AutoCloseable {
    private static final int MAX_PAYLOAD = 65507;

    /** Which socket the kernel gave us. */
    public enum Kind {
        /** {@code SOCK_DGRAM}: the kernel picks the echo identifier and delivers only our replies. */
        DATAGRAM,
        /** {@code SOCK_RAW}: sees every ICMP packet; replies are filtered by source, identifier and type. */
        RAW
    }

    /** Which kind to ask for. */
    public enum Mode {
        AUTO(0),
        DATAGRAM(1),
        RAW(2);

        /** The shim's {@code th_icmp_open} mode number. */
        final int code;

        Mode(int code) {
            this.code = code;
        }
    }

    /** One echo reply: its sequence number, TTL (hop limit; -1 if the kernel did not say) and payload. */
    @SuppressWarnings("ArrayRecordComponent") // handed over once, never compared or kept by the shim
    public record EchoReply(int sequence, int ttl, byte[] payload) {}

    private final OwnedFd fd;
    private final boolean ipv6;
    private final Kind kind;

    private IcmpEchoSocket(OwnedFd fd, boolean ipv6, Kind kind) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.kind = kind;
    }

    /**
     * Opens a socket for {@code target}'s address family. {@link Mode#AUTO} tries a datagram socket
     * first and falls back to a raw one; the {@link NativeException} for neither says what is needed.
     */
    public static IcmpEchoSocket open(InetAddress target, Mode mode) {
        boolean v6 = target instanceof Inet6Address;
        int[] kind = new int[1];
        ErrorBuffer err = new ErrorBuffer();
        int fd = err.check(lib().th_icmp_open(v6 ? 1 : 0, mode.code, kind, err.bytes, err.size()));
        return new IcmpEchoSocket(OwnedFd.adopt(fd), v6, kind[0] == 2 ? Kind.RAW : Kind.DATAGRAM);
    }

    public Kind kind() {
        return kind;
    }

    /** Sends one echo request; {@code id} and {@code sequence} are 16-bit. */
    public void send(InetAddress target, int id, int sequence, byte[] payload) {
        requireFamily(target);
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
        ErrorBuffer err = new ErrorBuffer();
        err.check(lib().th_icmp_send(
                        fd.get(),
                        ipv6 ? 1 : 0,
                        target.getAddress(),
                        id & 0xffff,
                        sequence & 0xffff,
                        payload,
                        payload.length,
                        err.bytes,
                        err.size()));
    }

    /**
     * Waits up to {@code timeout} for an echo reply from {@code source} carrying {@code id};
     * everything else arriving meanwhile is skipped. Empty when the time ran out.
     */
    public Optional<EchoReply> receive(InetAddress source, int id, Duration timeout) {
        requireFamily(source);
        int[] seq = new int[1];
        int[] ttl = new int[1];
        long[] length = new long[1];
        byte[] payload = new byte[MAX_PAYLOAD];
        ErrorBuffer err = new ErrorBuffer();
        int got = err.check(lib().th_icmp_receive(
                        fd.get(),
                        ipv6 ? 1 : 0,
                        kind == Kind.RAW ? 2 : 1,
                        source.getAddress(),
                        id & 0xffff,
                        Math.max(0, timeout.toMillis()),
                        seq,
                        ttl,
                        payload,
                        payload.length,
                        length,
                        err.bytes,
                        err.size()));
        if (got == 0) {
            return Optional.empty();
        }
        return Optional.of(new EchoReply(
                seq[0], ttl[0], Arrays.copyOf(payload, (int) Math.min(length[0], payload.length))));
    }

    private void requireFamily(InetAddress address) {
        if ((address instanceof Inet6Address) != ipv6) {
            throw new IllegalArgumentException(address + " is not an " + (ipv6 ? "IPv6" : "IPv4") + " address");
        }
    }

    @Override
    public void close() {
        fd.close();
    }

    private static ShimLibrary lib() {
        return NativeShim.get().library();
    }
}
