package dev.tunnelhelper.shim;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * Configures and inspects a network interface through rtnetlink (Linux), as {@code ip address
 * replace}, {@code ip link set}, {@code ip route replace} and their {@code del}/{@code show}
 * forms do, without iproute2. Changes need root or {@code CAP_NET_ADMIN}; failures are
 * {@link NativeException}s whose message names the change, the interface and the kernel's reason.
 */
public final class NetworkInterfaces {
    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    private static final int IFF_UP = 0x1;

    /**
     * An address or route destination with its prefix length, on an interface.
     *
     * @param address as the kernel's {@code inet_ntop} writes it (IPv6 compressed, as {@code ip} shows it)
     */
    public record Entry(String ifname, String address, int prefix) {
        public boolean ipv6() {
            return address.contains(":");
        }

        @Override
        public String toString() {
            return address + "/" + prefix;
        }
    }

    /** What {@code /sys/class/net/<name>} says about a link. */
    public record Link(String name, boolean up, int mtu) {}

    private NetworkInterfaces() {}

    /** Adds {@code address/prefix}, or leaves it if it is there (replace semantics: re-applying succeeds). */
    public static void replaceAddress(String ifname, InetAddress address, int prefix) {
        change(err ->
                lib().th_net_address(1, ifname, v6(address), address.getAddress(), prefix, err.bytes, err.size()));
    }

    public static void deleteAddress(String ifname, InetAddress address, int prefix) {
        change(err ->
                lib().th_net_address(0, ifname, v6(address), address.getAddress(), prefix, err.bytes, err.size()));
    }

    /** A route to {@code network/prefix} out of {@code ifname} in the main table, replacing one to the same network. */
    public static void replaceRoute(String ifname, InetAddress network, int prefix) {
        change(err -> lib().th_net_route(1, ifname, v6(network), network.getAddress(), prefix, err.bytes, err.size()));
    }

    public static void deleteRoute(String ifname, InetAddress network, int prefix) {
        change(err -> lib().th_net_route(0, ifname, v6(network), network.getAddress(), prefix, err.bytes, err.size()));
    }

    public static void setMtu(String ifname, int mtu) {
        if (mtu <= 0) {
            throw new IllegalArgumentException("MTU must be positive, got " + mtu);
        }
        change(err -> lib().th_net_link(ifname, mtu, -1, err.bytes, err.size()));
    }

    public static void setUp(String ifname, boolean up) {
        change(err -> lib().th_net_link(ifname, 0, up ? 1 : 0, err.bytes, err.size()));
    }

    /** The addresses on {@code ifname}, or on every interface when it is null. */
    public static List<Entry> addresses(String ifname) {
        return list(false, ifname);
    }

    /** The main table's routes out of {@code ifname}, or out of any interface when it is null. */
    public static List<Entry> routes(String ifname) {
        return list(true, ifname);
    }

    /** The link's state, or empty when there is no interface of that name. */
    public static Optional<Link> link(String ifname) {
        if (ifname.isEmpty() || ifname.contains("/") || ifname.equals(".") || ifname.equals("..")) {
            return Optional.empty();
        }
        Path dir = SYS_CLASS_NET.resolve(ifname);
        try {
            int flags = Integer.decode(Files.readString(dir.resolve("flags"), StandardCharsets.US_ASCII)
                    .strip());
            int mtu = Integer.parseInt(Files.readString(dir.resolve("mtu"), StandardCharsets.US_ASCII)
                    .strip());
            return Optional.of(new Link(ifname, (flags & IFF_UP) != 0, mtu));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            throw new NativeException(0, "cannot read the state of " + ifname + " from " + dir + ": " + e.getMessage());
        }
    }

    /** One change; the function makes the call with the error buffer it is given. */
    private static void change(ToIntFunction<ErrorBuffer> call) {
        UnsupportedPlatformException.requireLinux("Interface configuration through rtnetlink");
        ErrorBuffer err = new ErrorBuffer();
        err.check(call.applyAsInt(err));
    }

    private static List<Entry> list(boolean routes, String ifname) {
        UnsupportedPlatformException.requireLinux("Interface inspection through rtnetlink");
        for (int size = 16 * 1024; ; size *= 4) {
            byte[] out = new byte[size];
            ErrorBuffer err = new ErrorBuffer();
            long n = lib().th_net_list(routes ? 1 : 0, ifname, out, out.length, err.bytes, err.size());
            if (n == -28 && size < 16 * 1024 * 1024) { // ENOSPC: a host with many routes; ask again with room
                continue;
            }
            err.check(n);
            return parse(new String(out, 0, (int) n, StandardCharsets.US_ASCII));
        }
    }

    private static List<Entry> parse(String lines) {
        List<Entry> entries = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ");
            int slash = parts[2].indexOf('/');
            entries.add(
                    new Entry(parts[0], parts[2].substring(0, slash), Integer.parseInt(parts[2].substring(slash + 1))));
        }
        return entries;
    }

    private static ShimLibrary lib() {
        return NativeShim.get().library();
    }

    private static int v6(InetAddress address) {
        return address instanceof Inet6Address ? 1 : 0;
    }
}
