package dev.tunnelhelper.testbed.tunnel;

import java.util.Locale;

/**
 * A misbehaviour baked into a reference-tunnel launcher. The helper fixes the tunnel's command
 * line, so faults cannot be chosen per run: each faulty build is its own served binary.
 *
 * @param millis only for {@link Kind#CRASH_AFTER_START}: delay after a successful start
 */
public record TunnelFault(Kind kind, long millis) {

    public enum Kind {
        /** Behaves correctly. */
        NONE,
        /** Starts normally, then dies (exit code 3) this many ms after answering the start. */
        CRASH_AFTER_START,
        /** Answers the start request with a frame of bytes that are not a protobuf message. */
        GARBAGE_FRAME,
        /** Answers the start request with a length prefix of 2^31-1 bytes. */
        OVERSIZED_FRAME,
        /** Never writes its handshake line; waits for its read pipe to close. */
        SILENT_HANDSHAKE,
        /** Writes {@code codervpn manager 1.3} — the wrong role. */
        WRONG_ROLE,
        /** Writes a handshake line that is not the CoderVPN preamble at all. */
        HANDSHAKE_GARBAGE,
        /** Never answers the start request. */
        STALL_START,
        /** Answers the start request with {@code success=false}. */
        REFUSE_START,
        /** {@code version --output=json} reports a version other than the one it was built with. */
        WRONG_VERSION,
        /** Exits with code 7 as soon as {@code vpn-daemon run} begins. */
        EXIT_IMMEDIATELY,
        /**
         * Never answers the stop request, stays up when the manager closes the pipes, and ignores
         * SIGTERM (its launcher sets it to ignored before the JVM starts): only SIGKILL ends it.
         */
        IGNORE_STOP,
        /** Writes the first half of its handshake line, then dies (exit code 9). */
        DIE_IN_HANDSHAKE,
        /** Sends its network settings request, then dies (exit code 4) without waiting for the answer. */
        DIE_DURING_SETTINGS,
        /** Gets its network settings answered, then dies (exit code 5) without answering the start. */
        DIE_BEFORE_START_REPLY,
        /** Starts, sends the full peer state, then dies (exit code 6) halfway through writing the next peer update. */
        DIE_MID_PEER_UPDATE,
        /** Dies (exit code 8) on the stop request, without answering it. */
        DIE_DURING_STOP
    }

    public static final TunnelFault NONE = new TunnelFault(Kind.NONE, 0);

    /** Parses {@code none}, {@code crash-after-start=500}, {@code wrong-role}, ... */
    public static TunnelFault parse(String text) {
        String[] parts = text.trim().split("=", 2);
        Kind kind;
        try {
            kind = Kind.valueOf(parts[0].toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown tunnel fault \"" + text + "\"; known: " + known(), e);
        }
        if (kind == Kind.CRASH_AFTER_START) {
            if (parts.length != 2) {
                throw new IllegalArgumentException("crash-after-start needs a delay in ms, e.g. crash-after-start=500");
            }
            return new TunnelFault(kind, Long.parseLong(parts[1]));
        }
        if (parts.length != 1) {
            throw new IllegalArgumentException("tunnel fault " + parts[0] + " takes no value");
        }
        return new TunnelFault(kind, 0);
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return kind == Kind.CRASH_AFTER_START ? name + "=" + millis : name;
    }

    private static String known() {
        StringBuilder sb = new StringBuilder();
        for (Kind k : Kind.values()) {
            sb.append(sb.length() == 0 ? "" : ", ")
                    .append(k.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return sb.toString();
    }
}
