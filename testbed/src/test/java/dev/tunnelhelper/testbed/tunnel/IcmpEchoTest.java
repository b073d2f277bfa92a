package dev.tunnelhelper.testbed.tunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.vpn.ManagerMessage;
import dev.tunnelhelper.protocol.vpn.StartRequest;
import dev.tunnelhelper.shim.TunDevice;
import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class IcmpEchoTest {
    @TempDir
    Path dir;

    @Test
    @RequiresRootAndTun
    void pingingAnAgentAddressThroughTheTunDeviceIsAnswered() throws Exception {
        TunnelSettings settings = TunnelSettings.defaults().withSubnet("100.102");
        try (TunDevice tun = TunDevice.open(null); TunnelHarness tunnel = TunnelHarness.spawn(dir, settings, tun.fd())) {
            var manager = tunnel.connect(Duration.ofSeconds(20));
            var started = manager.call(ManagerMessage.newBuilder().setStart(StartRequest.newBuilder()
                    .setTunnelFileDescriptor(TunnelHarness.TUN_FD).setCoderUrl("https://coder.example.com").setApiToken("t")).build(),
                    Duration.ofSeconds(20));
            assertTrue(started.getStart().getSuccess(), started.getStart().getErrorMessage());
            // What the network extension does with the tunnel's settings, by hand.
            run("ip", "addr", "add", "100.102.0.1/32", "dev", tun.name());
            run("ip", "link", "set", tun.name(), "up");
            run("ip", "route", "add", "100.102.0.0/16", "dev", tun.name());

            assertEquals(0, run("ping", "-c", "2", "-W", "2", PeerScenario.agentAddress(settings, 0, 0)), "agent answers through the tunnel");
            assertEquals(0, run("ping", "-c", "1", "-W", "2", PeerScenario.agentAddress(settings, 1, 1)));
            assertTrue(run("ping", "-c", "1", "-W", "1", "100.102.200.200") != 0, "an address that is not an agent stays silent");
        }
    }

    @Test
    void echoRepliesSwapAddressesAndCarryValidChecksums() {
        byte[] request = {
            0x45, 0, 0, 28, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0,
            100, 102, 0, 1, // source
            100, 102, 1, 2, // destination
            8, 0, 0, 0, 0, 7, 0, 1 // echo request, id 7, seq 1
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

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        if (p.exitValue() != 0 && !command[0].equals("ping")) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return p.exitValue();
    }
}
