package dev.tunnelhelper.protocol;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The CoderVPN handshake (docs/protocol.md §1.2): each side writes {@code codervpn <role> <versions>\n}
 * and reads the peer's line.
 *
 * <p>Our line is written on its own thread while the peer's is read, because neither side may
 * wait for the other's line before writing its own. The peer's line is read one byte at a time
 * so not a single byte of the framed stream that follows the newline is consumed.
 */
public final class Handshake {
    /** A header of this many bytes without a newline is an error. */
    public static final int MAX_HEADER_BYTES = 256;

    public static final String PREAMBLE = "codervpn";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String preamble;
    private final String ourRole;
    private final String expectedPeerRole;
    private final VersionList ourVersions;
    private final Duration timeout;

    /** The CoderVPN handshake for one of its two roles. */
    public Handshake(Role ourRole, VersionList ourVersions, Duration timeout) {
        this(PREAMBLE, ourRole.wireName(), ourRole.opposite().wireName(), ourVersions, timeout);
    }

    /**
     * The same line format with another preamble and role names: the helper's own endpoints
     * open with {@code tunnelhelper <role> <versions>} so a mismatched client fails clearly.
     */
    public Handshake(
            String preamble, String ourRole, String expectedPeerRole, VersionList ourVersions, Duration timeout) {
        this.preamble = preamble;
        this.ourRole = ourRole;
        this.expectedPeerRole = expectedPeerRole;
        this.ourVersions = ourVersions;
        this.timeout = timeout;
    }

    public String ourHeader() {
        return preamble + " " + ourRole + " " + ourVersions + "\n";
    }

    /**
     * Exchanges headers and negotiates a version.
     *
     * @param abort closed when the timeout expires, to unblock a read or write that cannot be
     *              interrupted (a blocked pipe read); the streams are unusable afterwards.
     */
    public HandshakeResult perform(InputStream in, OutputStream out, Closeable abort) throws IOException {
        byte[] header = ourHeader().getBytes(StandardCharsets.US_ASCII);
        CompletableFuture<Void> write = runAsync("handshake-write", () -> {
            out.write(header);
            out.flush();
            return null;
        });
        CompletableFuture<String> read = runAsync("handshake-read", () -> readLine(in));
        long deadline = System.nanoTime() + timeout.toNanos();
        String peerLine = await(read, deadline, abort, "waiting for the peer's header");
        await(write, deadline, abort, "writing our header");
        return negotiate(peerLine);
    }

    /** Validates the peer's line (without its newline) and negotiates; for callers that read the line themselves. */
    public HandshakeResult negotiate(String line) throws HandshakeException {
        String[] parts = line.split(" ", -1);
        if (parts.length != 3) {
            throw new HandshakeException(
                    HandshakeException.Reason.MALFORMED,
                    "malformed header \"" + PeerText.of(line) + "\": expected 3 space-separated parts, got "
                            + parts.length);
        }
        if (!preamble.equals(parts[0])) {
            throw new HandshakeException(
                    HandshakeException.Reason.BAD_PREAMBLE,
                    "bad preamble: expected " + preamble + ", got " + PeerText.of(parts[0]));
        }
        if (!expectedPeerRole.equals(parts[1])) {
            throw new HandshakeException(
                    HandshakeException.Reason.WRONG_ROLE,
                    "wrong role: expected " + expectedPeerRole + ", got " + PeerText.of(parts[1]));
        }
        VersionList theirs;
        try {
            theirs = VersionList.parse(parts[2]);
        } catch (ProtocolException e) {
            throw new HandshakeException(HandshakeException.Reason.BAD_VERSIONS, e.getMessage(), e);
        }
        ProtocolVersion version = ourVersions
                .negotiate(theirs)
                .orElseThrow(() -> new HandshakeException(
                        HandshakeException.Reason.NO_COMMON_VERSION,
                        "no common major version: ours " + ourVersions + ", theirs " + theirs));
        return new HandshakeResult(version, parts[1], theirs);
    }

    private static String readLine(InputStream in) throws IOException {
        HeaderLine line = new HeaderLine();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw endedEarly(line.length());
            }
            String complete = line.add((byte) b);
            if (complete != null) {
                return complete;
            }
        }
    }

    /** The peer closed the stream after {@code bytes} bytes of its line. */
    public static HandshakeException endedEarly(int bytes) {
        return new HandshakeException(
                HandshakeException.Reason.ENDED, "stream ended after " + bytes + " header bytes, before the newline");
    }

    private <T> T await(CompletableFuture<T> future, long deadlineNanos, Closeable abort, String what)
            throws IOException {
        try {
            return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort.close();
            throw new HandshakeException(
                    HandshakeException.Reason.TIMED_OUT,
                    "handshake timed out after " + timeout.toMillis() + " ms " + what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort.close();
            throw new HandshakeException(HandshakeException.Reason.IO_ERROR, "interrupted " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HandshakeException he) {
                throw he;
            }
            throw new HandshakeException(
                    HandshakeException.Reason.IO_ERROR, "I/O error " + what + ": " + cause.getMessage(), cause);
        }
    }

    private interface IoTask<T> {
        T run() throws IOException;
    }

    /**
     * One short-lived daemon thread per direction: the handshake happens once per tunnel or
     * client connection. (The helper's endpoints read their clients' lines without a thread
     * each: see {@link HeaderLine}.)
     */
    private static <T> CompletableFuture<T> runAsync(String name, IoTask<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        NamedThreads.run(name, () -> {
            try {
                future.complete(task.run());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        return future;
    }
}
