package dev.tunnelhelper.shim;

/**
 * An open TUN (Linux, {@code IFF_TUN|IFF_NO_PI}: bare IP packets) or utun (macOS: each packet
 * carries a 4-byte address-family prefix) device. The interface lives as long as the fd.
 */
public final class TunDevice implements AutoCloseable {
    private static final int NAME_BUFFER = 64;

    private final OwnedFd fd;
    private final String name;

    private TunDevice(OwnedFd fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Opens a device; {@code nameOrNull} null lets the kernel pick (tunN / utunN). Needs root. */
    public static TunDevice open(String nameOrNull) {
        ShimLibrary lib = NativeShim.get().library();
        byte[] name = new byte[NAME_BUFFER];
        ErrorBuffer err = new ErrorBuffer();
        int fd = err.check(lib.th_tun_open(nameOrNull, name, name.length, err.bytes, err.size()));
        return new TunDevice(OwnedFd.adopt(fd), ErrorBuffer.cString(name));
    }

    /** The interface name behind an open TUN/utun fd; a {@link NativeException} if it is not one. */
    public static String nameOf(int fd) {
        ShimLibrary lib = NativeShim.get().library();
        byte[] name = new byte[NAME_BUFFER];
        ErrorBuffer err = new ErrorBuffer();
        err.check(lib.th_tun_name_of(fd, name, name.length, err.bytes, err.size()));
        return ErrorBuffer.cString(name);
    }

    public int fd() {
        return fd.get();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "TunDevice[" + name + ", " + fd + "]";
    }
}
