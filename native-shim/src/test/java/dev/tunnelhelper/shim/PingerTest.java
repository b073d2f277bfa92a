package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.shim.testing.RequiresRootAndTun;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * ICMP echo from our own socket. The far end is either the kernel (loopback) or this test itself,
 * answering on a TUN device the pinger's requests are routed into, so it can also send replies
 * that must not count.
 */
@EnabledOnOs(OS.LINUX)
@RequiresRootAndTun
@Timeout(60)
class PingerTest {
    private static final String LOCAL = "198.18.1.1";
    private static final String PEER = "198.18.1.2";
    private static final Pinger.Options FAST = new Pinger.Options(3, Duration.ofMillis(100), Duration.ofSeconds(2), 56);

    private final List<Pinger.Reply> replies = new ArrayList<>();

    @Test
    void loopbackAnswersEveryRequestWithSequenceTtlAndSize() throws Exception {
        Pinger.Statistics stats =
                Pinger.ping(InetAddress.getLoopbackAddress(), FAST, IcmpEchoSocket.Mode.AUTO, replies::add);
        assertEquals(3, stats.transmitted());
        assertEquals(3, stats.received());
        assertEquals(0, stats.lossPercent());
        assertEquals(
                List.of(1, 2, 3), replies.stream().map(Pinger.Reply::sequence).toList());
        assertTrue(replies.stream().allMatch(r -> r.ttl() == 64 && r.bytes() == 64), replies.toString());
        assertTrue(stats.min().orElseThrow().compareTo(stats.max().orElseThrow()) <= 0);
    }

    @Test
    void ipv6LoopbackAnswersToo() throws Exception {
        Path disabled = Path.of("/proc/sys/net/ipv6/conf/lo/disable_ipv6");
        Assumptions.assumeTrue(
                Files.exists(disabled) && Files.readString(disabled).trim().equals("0"), "IPv6 is disabled on lo");
        Pinger.Statistics stats = Pinger.ping(
                InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
                FAST,
                IcmpEchoSocket.Mode.AUTO,
                replies::add);
        assertEquals(3, stats.received());
        assertTrue(replies.stream().allMatch(r -> r.ttl() > 0 && r.bytes() == 64), replies.toString());
    }

    @Test
    void aRawSocketCanBeAskedForAndADatagramSocketNeedsTheGroupRange() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (IcmpEchoSocket raw = IcmpEchoSocket.open(loopback, IcmpEchoSocket.Mode.RAW)) {
            assertEquals(IcmpEchoSocket.Kind.RAW, raw.kind());
            assertEquals(3, Pinger.ping(raw, loopback, FAST, r -> {}).received());
        }
        String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ping_group_range"))
                .trim()
                .split("\\s+");
        boolean allowed = Long.parseLong(range[0]) <= 0 && 0 <= Long.parseLong(range[1]); // we run as gid 0
        if (allowed) {
            try (IcmpEchoSocket dgram = IcmpEchoSocket.open(loopback, IcmpEchoSocket.Mode.DATAGRAM)) {
                assertEquals(3, Pinger.ping(dgram, loopback, FAST, r -> {}).received());
            }
        } else {
            NativeException e = assertThrows(
                    NativeException.class, () -> IcmpEchoSocket.open(loopback, IcmpEchoSocket.Mode.DATAGRAM));
            assertTrue(e.getMessage().contains("net.ipv4.ping_group_range"), e.getMessage());
        }
    }

    @Test
    void onlyRepliesFromTheTargetWithOurIdentifierAndPayloadCountAndSilenceIsLoss() throws Exception {
        try (TunDevice tun = TunDevice.open(null)) {
            NetworkInterfaces.replaceAddress(tun.name(), InetAddress.getByName(LOCAL), 32);
            NetworkInterfaces.setUp(tun.name(), true);
            // The whole /24, so the kernel also accepts the reply "from elsewhere" (198.18.1.99) and only our filter
            // refuses it.
            NetworkInterfaces.replaceRoute(tun.name(), InetAddress.getByName("198.18.1.0"), 24);
            Pinger.Options options = new Pinger.Options(3, Duration.ofMillis(200), Duration.ofSeconds(2), 24);
            CompletableFuture<Pinger.Statistics> run = CompletableFuture.supplyAsync(() -> ping(options));

            // Request 1: a reply with other data, one with another identifier, one from elsewhere: none counts.
            byte[] first = nextEchoRequest(tun);
            answer(tun, withByte(reply(first), 40, (byte) (first[40] ^ 1)));
            answer(tun, withByte(reply(first), 24, (byte) (first[24] ^ 1)));
            answer(tun, withByte(reply(first), 12 + 3, (byte) 99));
            // Request 2: answered properly, and twice: the duplicate does not count again.
            byte[] second = nextEchoRequest(tun);
            answer(tun, reply(second));
            answer(tun, reply(second));
            // Request 3: silence.
            nextEchoRequest(tun);

            Pinger.Statistics stats = run.get();
            assertEquals(3, stats.transmitted());
            assertEquals(1, stats.received(), replies.toString());
            assertEquals(66, stats.lossPercent());
            assertEquals(2, replies.get(0).sequence());
            assertEquals(64, replies.get(0).ttl(), "the TTL our reply carried");
            assertEquals(32, replies.get(0).bytes());
        }
    }

    private Pinger.Statistics ping(Pinger.Options options) {
        try {
            return Pinger.ping(InetAddress.getByName(PEER), options, IcmpEchoSocket.Mode.AUTO, replies::add);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The next IPv4 ICMP echo request to PEER read from the device (the kernel may also send other packets). */
    private static byte[] nextEchoRequest(TunDevice tun) {
        byte[] buf = new byte[2048];
        while (true) {
            assertTrue(Fds.waitReadable(tun.fd(), Duration.ofSeconds(10)), "no echo request reached " + tun.name());
            int n = Fds.read(tun.fd(), buf, 0, buf.length);
            if (n >= 28 && (buf[0] >> 4) == 4 && buf[9] == 1 && buf[20] == 8 && (buf[19] & 0xff) == 2) {
                return Arrays.copyOf(buf, n);
            }
        }
    }

    /** The request turned into its echo reply: addresses swapped, type 0, TTL 64, checksums fixed. */
    private static byte[] reply(byte[] request) {
        byte[] r = request.clone();
        for (int i = 0; i < 4; i++) {
            byte t = r[12 + i];
            r[12 + i] = r[16 + i];
            r[16 + i] = t;
        }
        r[8] = 64;
        r[20] = 0;
        return r;
    }

    private static byte[] withByte(byte[] packet, int index, byte value) {
        packet[index] = value;
        return packet;
    }

    private static void answer(TunDevice tun, byte[] packet) {
        int header = (packet[0] & 0x0f) * 4;
        putChecksum(packet, 10, 0, header);
        putChecksum(packet, header + 2, header, packet.length - header);
        Fds.write(tun.fd(), packet, 0, packet.length);
    }

    private static void putChecksum(byte[] data, int at, int offset, int length) {
        data[at] = 0;
        data[at + 1] = 0;
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += ((data[offset + i] & 0xff) << 8) | (data[offset + i + 1] & 0xff);
        }
        if ((length & 1) == 1) {
            sum += (data[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        data[at] = (byte) (~sum >> 8);
        data[at + 1] = (byte) ~sum;
    }
}
