package dev.tunnelhelper.launchd.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXDatagramSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/** A real AF_UNIX datagram socket plays systemd's notify socket. */
class SystemdNotifyTest {

    @Test
    void sendsReadyStatusAndStoppingToAPathSocket(@TempDir Path dir) throws Exception {
        Path socketPath = dir.resolve("notify");
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.of(socketPath));
            systemd.setSoTimeout(5000);
            SystemdNotify notify = new SystemdNotify(socketPath.toString());
            notify.ready();
            assertEquals("READY=1", receive(systemd));
            notify.status("listening on\n/run/tunnel-helper");
            assertEquals("STATUS=listening on /run/tunnel-helper", receive(systemd));
            notify.stopping();
            assertEquals("STOPPING=1", receive(systemd));
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "the abstract socket namespace exists only on Linux")
    void sendsToAnAbstractSocket() throws Exception {
        String name = "tunnel-helper-test-" + UUID.randomUUID();
        try (AFUNIXDatagramSocket systemd = AFUNIXDatagramSocket.newInstance()) {
            systemd.bind(AFUNIXSocketAddress.inAbstractNamespace(name));
            systemd.setSoTimeout(5000);
            new SystemdNotify("@" + name).ready();
            assertEquals("READY=1", receive(systemd));
        }
    }

    @Test
    void rejectsRelativeSocketNames() {
        assertThrows(IllegalArgumentException.class, () -> new SystemdNotify("notify.sock"));
        assertThrows(IllegalArgumentException.class, () -> new SystemdNotify("@"));
    }

    private static String receive(AFUNIXDatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }
}
