package dev.tunnelhelper.launchd.systemd;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) for {@code Type=notify}: the daemon calls {@link #ready()} once its sockets listen,
 * so {@code systemctl start} returns only when clients can connect. JDK 17 cannot send datagrams
 * on AF_UNIX sockets, hence junixsocket.
 */
public final class SystemdNotify {
    private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

    private final AFUNIXSocketAddress address;
    private final String description;

    /** @param notifySocket {@code $NOTIFY_SOCKET}: a path, or {@code @name} for the abstract namespace */
    public SystemdNotify(String notifySocket) throws SocketException {
        if (notifySocket == null || notifySocket.length() < 2) {
            throw new IllegalArgumentException("NOTIFY_SOCKET is empty");
        }
        if (notifySocket.startsWith("@")) {
            address = AFUNIXSocketAddress.inAbstractNamespace(notifySocket.substring(1));
        } else if (notifySocket.startsWith("/")) {
            address = AFUNIXSocketAddress.of(Path.of(notifySocket));
        } else {
            throw new IllegalArgumentException("NOTIFY_SOCKET must be an absolute path or @name, got " + notifySocket);
        }
        description = notifySocket;
    }

    /** Empty when not started by systemd (or with a Type that does not listen), which is not an error. */
    public static Optional<SystemdNotify> fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SystemdNotify(socket));
        } catch (SocketException | IllegalArgumentException e) {
            log.warn("ignoring NOTIFY_SOCKET={}: {}", socket, e.getMessage());
            return Optional.empty();
        }
    }

    public void ready() throws IOException {
        send("READY=1");
    }

    /** Shown by {@code systemctl status}; one line, so newlines are flattened. */
    public void status(String text) throws IOException {
        send("STATUS=" + text.replace('\n', ' '));
    }

    public void stopping() throws IOException {
        send("STOPPING=1");
    }

    /** Sends one datagram of newline-separated {@code KEY=VALUE} assignments. */
    public void send(String state) throws IOException {
        byte[] payload = state.getBytes(StandardCharsets.UTF_8);
        try (AFUNIXDatagramSocket socket = AFUNIXDatagramSocket.newInstance()) {
            // DatagramPacket only carries IP addresses, so the destination is set by connecting.
            socket.connect(address);
            socket.send(new DatagramPacket(payload, payload.length));
        }
        log.debug("sd_notify {} -> {}", state, description);
    }
}
