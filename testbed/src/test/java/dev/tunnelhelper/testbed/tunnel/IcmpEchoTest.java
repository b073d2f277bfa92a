package dev.tunnelhelper.testbed.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.NetworkInterfaces;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import dev.tunnelhelper.testbed.TestbedMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class IcmpEchoTest {
    @TempDir
    Path dir;

    @Test
    @RequiresRootAndTun
    void pingingAnAgentAddressThroughTheTunDeviceIsAnswered() throws Exception {
        TunnelSettings settings = TunnelSettings.defaults().withSubnet("100.102");
        try (TunDevice tun = TunDevice.open(null);
                TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, tun.fd())) {
            var manager = tunnel.connect(Duration.ofSeconds(20));
            var started = manager.call(
                    ManagerMessage.newBuilder()
                            .setStart(StartRequest.newBuilder()
                                    .setTunnelFileDescriptor(TunnelHarness.TUN_FD)
                                    .setCoderUrl("https://coder.example.com")
                                    .setApiToken("t"))
                            .build(),
                    Duration.ofSeconds(20));
            assertTrue(started.getStart().getSuccess(), started.getStart().getErrorMessage());
            // What the network extension does with the tunnel's settings, by hand.
            NetworkInterfaces.replaceAddress(tun.name(), InetAddress.getByName("100.102.0.1"), 32);
            NetworkInterfaces.setUp(tun.name(), true);
            NetworkInterfaces.replaceRoute(tun.name(), InetAddress.getByName("100.102.0.0"), 16);

            // The kernel routes the requests into the TUN device; the reference tunnel answers on its fd.
            String agent = PeerScenario.agentAddress(settings, 0, 0);
            Ping first = ping("-c", "2", "-i", "0.2", "-W", "2", agent);
            assertEquals(0, first.code(), "agent answers through the tunnel:\n" + first.out() + first.err());
            assertTrue(first.out().startsWith("PING " + agent + " (" + agent + "): 56 data bytes\n"), first.out());
            assertTrue(first.out().contains("64 bytes from " + agent + ": icmp_seq=1 ttl=64 time="), first.out());
            assertTrue(first.out().contains("64 bytes from " + agent + ": icmp_seq=2 ttl=64 time="), first.out());
            assertTrue(
                    first.out()
                            .contains("--- " + agent
                                    + " ping statistics ---\n2 packets transmitted, 2 received, 0% packet loss\n"
                                    + "rtt min/avg/max = "),
                    first.out());
            assertEquals(
                    0,
                    ping("-c", "1", "-W", "2", PeerScenario.agentAddress(settings, 1, 1))
                            .code());
            Ping silent = ping("-c", "1", "-W", "1", "100.102.200.200");
            assertEquals(1, silent.code(), "an address that is not an agent stays silent:\n" + silent.out());
            assertTrue(silent.out().contains("1 packets transmitted, 0 received, 100% packet loss"), silent.out());
            assertFalse(silent.out().contains("rtt"), silent.out());
        }
    }

    private record Ping(int code, String out, String err) {}

    /** {@code testbed ping}, in-process. */
    private static Ping ping(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = TestbedMain.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "ping";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new Ping(code, out.toString(), err.toString());
    }

    @Test
    void echoRepliesSwapAddressesAndCarryValidChecksums() {
        byte[] request = {
            0x45,
            0,
            0,
            28,
            0x12,
            0x34,
            0x40,
            0,
            64,
            1,
            0,
            0,
            100,
            102,
            0,
            1, // source
            100,
            102,
            1,
            2, // destination
            8,
            0,
            0,
            0,
            0,
            7,
            0,
            1 // echo request, id 7, seq 1
        };
        int ipSum = IcmpResponder.checksum(request, 0, 20);
        request[10] = (byte) (ipSum >> 8);
        request[11] = (byte) ipSum;
        int icmpSum = IcmpResponder.checksum(request, 20, 8);
        request[22] = (byte) (icmpSum >> 8);
        request[23] = (byte) icmpSum;

        byte[] reply = IcmpResponder.echoReply(request, request.length, Set.of("100.102.1.2"));
        assertEquals(0, reply[20], "echo reply type");
        assertEquals(100, reply[12]);
        assertEquals(2, reply[15], "source is the agent");
        assertEquals(1, reply[19], "destination is the pinger");
        assertEquals(0, IcmpResponder.checksum(reply, 0, 20), "IP header checksum verifies");
        assertEquals(0, IcmpResponder.checksum(reply, 20, 8), "ICMP checksum verifies");
        assertNull(IcmpResponder.echoReply(request, request.length, Set.of("100.102.9.9")), "unknown destination");
    }
}
