package dev.tunnelhelper.protocol;

/** A {@code major.minor} protocol version. */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {
    /** The first version that has {@code WakeRequest}. */
    public static final ProtocolVersion WAKE = new ProtocolVersion(1, 3);

    public ProtocolVersion {
        if (major < 1) {
            throw new IllegalArgumentException("major version must be >= 1, got " + major);
        }
        if (minor < 0) {
            throw new IllegalArgumentException("minor version must be >= 0, got " + minor);
        }
    }

    public boolean atLeast(ProtocolVersion other) {
        return compareTo(other) >= 0;
    }

    /** Whether {@code WakeRequest} may be sent at this negotiated version. */
    public boolean supportsWake() {
        return atLeast(WAKE);
    }

    @Override
    public int compareTo(ProtocolVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
