package dev.tunnelhelper.protocol.testing;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorAccess;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * Unix-socket connections and listeners that belong to another user, for attack tests, without
 * setpriv, sudo or an interpreter: a small C program ({@code other_uid.c}, compiled once per JVM
 * with {@code cc}) drops to the user's uid and gid, connects or listens, and passes the
 * descriptors back over a socket. The kernel fixed the credentials the other side sees
 * ({@code SO_PEERCRED}) when the connection was made, so this JVM then speaks as that user.
 *
 * <p>Needs root (to drop to another uid); callers guard with {@code @RequiresRootAndTun}.
 */
public final class OtherUser {
    /** {@code nobody}/{@code nogroup} on Debian. */
    public static final OtherUser NOBODY = new OtherUser(65534, 65534);

    private static Path program;

    private final long uid;
    private final long gid;

    public OtherUser(long uid, long gid) {
        this.uid = uid;
        this.gid = gid;
    }

    public long uid() {
        return uid;
    }

    public long gid() {
        return gid;
    }

    /**
     * Closes a socket this class returned, descriptor included: junixsocket's sockets made from a
     * descriptor ({@code FileDescriptorCast}) leave it open when they are closed.
     */
    public static <T extends Closeable & FileDescriptorAccess> void close(T socket) throws IOException {
        FileDescriptor fd = socket.getFileDescriptor();
        socket.close();
        if (fd.valid()) {
            new FileInputStream(fd).close();
        }
    }

    /** {@code count} connections to {@code socket}, made as this user; the caller closes them with {@link #close}. */
    public List<AFUNIXSocket> connect(Path socket, int count) throws IOException {
        List<AFUNIXSocket> sockets = run(AFUNIXSocket.class, "connect", socket.toString(), Integer.toString(count));
        if (sockets.size() != count) {
            throw new IOException("expected " + count + " connections, got " + sockets.size());
        }
        return sockets;
    }

    /** One connection to {@code socket}, made as this user. */
    public AFUNIXSocket connect(Path socket) throws IOException {
        return connect(socket, 1).get(0);
    }

    /**
     * A socket bound at {@code socket} and listening, created by this user (who must be able to
     * write its directory); the caller closes it with {@link #close}.
     */
    public AFUNIXServerSocket listen(Path socket) throws IOException {
        List<AFUNIXServerSocket> listening = run(AFUNIXServerSocket.class, "listen", socket.toString());
        if (listening.size() != 1) {
            throw new IOException("expected one listening socket, got " + listening.size());
        }
        return listening.get(0);
    }

    /**
     * Runs the program and takes over what it passes back as {@code type}. Each descriptor is
     * duplicated before the rendezvous socket closes, because closing it closes every descriptor
     * junixsocket received on it.
     */
    private <T> List<T> run(Class<T> type, String... args) throws IOException {
        Path dir = Files.createTempDirectory("other-uid");
        Path rendezvousPath = dir.resolve("r.sock");
        try (AFUNIXServerSocket rendezvous = AFUNIXServerSocket.newInstance()) {
            rendezvous.bind(AFUNIXSocketAddress.of(rendezvousPath));
            List<String> command = new ArrayList<>(
                    List.of(program().toString(), rendezvousPath.toString(), Long.toString(uid), Long.toString(gid)));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<T> taken = new ArrayList<>();
            rendezvous.setSoTimeout(30_000);
            try (AFUNIXSocket from = rendezvous.accept()) {
                from.setAncillaryReceiveBufferSize(256);
                InputStream in = from.getInputStream();
                while (in.read() >= 0) {
                    FileDescriptor[] received = from.getReceivedFileDescriptors();
                    for (FileDescriptor fd : received == null ? new FileDescriptor[0] : received) {
                        taken.add(FileDescriptorCast.duplicating(fd).as(type));
                        new FileInputStream(fd).close();
                    }
                }
            } catch (IOException e) {
                p.destroyForcibly();
                throw new IOException("other_uid " + String.join(" ", args) + " did not connect back: " + finish(p), e);
            }
            String said = finish(p);
            if (p.exitValue() != 0) {
                throw new IOException("other_uid " + String.join(" ", args) + " failed: " + said);
            }
            return taken;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(rendezvousPath);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Waits for {@code p} (at most 30 s) and returns its output, closing every pipe to it: tests
     * count this JVM's descriptors, and the JDK would leave them to the garbage collector.
     */
    private static String finish(Process p) throws IOException, InterruptedException {
        try (InputStream out = p.getInputStream();
                var in = p.getOutputStream();
                var err = p.getErrorStream()) {
            String said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("still running after 30 s: " + said);
            }
            return said;
        }
    }

    private static synchronized Path program() throws IOException {
        if (program == null) {
            Path dir = Files.createTempDirectory("other-uid-program");
            Path source = dir.resolve("other_uid.c");
            try (InputStream in = OtherUser.class.getResourceAsStream("other_uid.c")) {
                Files.copy(in, source);
            }
            Path binary = dir.resolve("other_uid");
            Process cc = new ProcessBuilder(
                            "cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true)
                    .start();
            try {
                String said = finish(cc);
                if (cc.exitValue() != 0) {
                    throw new IOException("cannot compile other_uid.c: " + said);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted compiling other_uid.c", e);
            }
            program = binary;
        }
        return program;
    }
}
