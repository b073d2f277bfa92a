package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(value = OS.LINUX, disabledReason = "Linux TUN; utun is exercised on the macOS runner only by compilation")
@RequiresRootAndTun
class TunDeviceTest {
    // RFC 2544 benchmarking range: never routed, so it cannot collide with a real network.
    private static final String LOCAL = "198.18.0.1";
    private static final String PEER = "198.18.0.2";

    private static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** One ICMP echo request towards the peer from our own socket; nobody answers on the TUN side. */
    private static void sendEchoRequest(IcmpEchoSocket socket) throws IOException {
        socket.send(InetAddress.getByName(PEER), 7, 1, "tun".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void pingToThePeerArrivesAsAnIcmpEchoRequestOnTheFd() throws Exception {
        String name;
        try (TunDevice tun = TunDevice.open(null)) {
            name = tun.name();
            assertTrue(name.startsWith("tun"), name);
            assertTrue(linkExists(name));
            NetworkInterfaces.replaceAddress(name, InetAddress.getByName(LOCAL), 32);
            NetworkInterfaces.setUp(name, true);
            NetworkInterfaces.replaceRoute(name, InetAddress.getByName(PEER), 32);

            IcmpEchoSocket socket = IcmpEchoSocket.open(InetAddress.getByName(PEER), IcmpEchoSocket.Mode.AUTO);
            sendEchoRequest(socket);
            byte[] packet = new byte[2048];
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            boolean found = false;
            while (!found && System.nanoTime() < deadline) {
                if (!Fds.waitReadable(tun.fd(), Duration.ofMillis(200))) {
                    sendEchoRequest(socket);
                    continue;
                }
                int n = Fds.read(tun.fd(), packet, 0, packet.length);
                // The kernel may also emit IPv6 router solicitations; look for our packet only.
                found = n >= 28
                        && (packet[0] >> 4) == 4
                        && packet[9] == 1
                        && (packet[16] & 0xff) == 198
                        && (packet[17] & 0xff) == 18
                        && (packet[18] & 0xff) == 0
                        && (packet[19] & 0xff) == 2
                        && (packet[(packet[0] & 0x0f) * 4] & 0xff) == 8;
            }
            socket.close();
            assertTrue(found, "no ICMP echo request to " + PEER + " read from " + name);
        }
        assertTrue(!linkExists(name), "closing the fd must delete " + name);
    }

    @Test
    void requestedNameIsUsed() {
        try (TunDevice tun = TunDevice.open("thtest0")) {
            assertEquals("thtest0", tun.name());
            assertEquals("thtest0", TunDevice.nameOf(tun.fd()));
        }
        assertTrue(!linkExists("thtest0"));
    }

    @Test
    void nameOfReturnsTheNameOfATunFd() {
        try (TunDevice tun = TunDevice.open(null)) {
            assertEquals(tun.name(), TunDevice.nameOf(tun.fd()));
            try (OwnedFd copy = Fds.dup(tun.fd())) {
                assertNotEquals(tun.fd(), copy.get());
                assertEquals(tun.name(), TunDevice.nameOf(copy.get()), "a duplicate refers to the same device");
            }
        }
    }

    @Test
    void nameOfAPipeFailsClearly() {
        try (Pipe pipe = Fds.pipe()) {
            NativeException e = assertThrows(
                    NativeException.class, () -> TunDevice.nameOf(pipe.readEnd().get()));
            assertTrue(e.getMessage().contains("is not an attached TUN device"), e.getMessage());
            assertTrue(e.errno() > 0);
        }
    }

    @Test
    void tunFdCanBeHandedToAChild() throws Exception {
        try (TunDevice tun = TunDevice.open(null)) {
            ChildRun run = ChildRun.run(SpawnSpec.builder(Path.of("/bin/sh"))
                    .args("-c", "readlink /proc/$$/fd/5")
                    .mapFd(5, tun.fd()));
            assertEquals("/dev/net/tun\n", run.stdout());
        }
    }
}
