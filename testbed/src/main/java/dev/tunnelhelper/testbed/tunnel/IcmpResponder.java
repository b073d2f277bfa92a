package dev.tunnelhelper.testbed.tunnel;

import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeException;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers IPv4 ICMP echo requests that arrive on the TUN fd for the tunnel's own address or any
 * agent address, so {@code ping <agent-ip>} from the host works once routes point at the device.
 * Frames are bare IP packets (Linux {@code IFF_NO_PI}); everything else is ignored.
 */
public final class IcmpResponder implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IcmpResponder.class);
    private static final int MAX_PACKET = 65535;

    private final int tunFd;
    private final Supplier<Set<String>> answeredAddresses;
    private final java.util.concurrent.atomic.AtomicLong answered = new java.util.concurrent.atomic.AtomicLong();

    public IcmpResponder(int tunFd, Supplier<Set<String>> answeredAddresses) {
        this.tunFd = tunFd;
        this.answeredAddresses = answeredAddresses;
    }

    public long answered() {
        return answered.get();
    }

    @Override
    public void run() {
        byte[] buf = new byte[MAX_PACKET];
        while (true) {
            int n;
            try {
                n = Fds.read(tunFd, buf, 0, buf.length);
            } catch (NativeException e) {
                log.info("TUN read ended: {}", e.getMessage());
                return;
            }
            if (n <= 0) {
                return;
            }
            byte[] reply = echoReply(buf, n, answeredAddresses.get());
            if (reply != null) {
                try {
                    Fds.write(tunFd, reply, 0, reply.length);
                    answered.incrementAndGet();
                } catch (NativeException e) {
                    log.warn("TUN write failed: {}", e.getMessage());
                }
            }
        }
    }

    /** The echo reply for {@code packet}, or {@code null} when it is not an echo request we answer. */
    static byte[] echoReply(byte[] packet, int length, Set<String> addresses) {
        if (length < 20 || (packet[0] >> 4) != 4) {
            return null;
        }
        int headerLength = (packet[0] & 0x0f) * 4;
        int totalLength = ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
        if (headerLength < 20 || totalLength > length || totalLength < headerLength + 8 || packet[9] != 1) {
            return null;
        }
        if (packet[headerLength] != 8 || packet[headerLength + 1] != 0) {
            return null; // not an echo request
        }
        String destination =
                (packet[16] & 0xff) + "." + (packet[17] & 0xff) + "." + (packet[18] & 0xff) + "." + (packet[19] & 0xff);
        if (!addresses.contains(destination)) {
            return null;
        }
        byte[] reply = java.util.Arrays.copyOf(packet, totalLength);
        for (int i = 0; i < 4; i++) { // swap source and destination
            byte t = reply[12 + i];
            reply[12 + i] = reply[16 + i];
            reply[16 + i] = t;
        }
        reply[8] = 64; // fresh TTL
        reply[10] = 0;
        reply[11] = 0;
        putChecksum(reply, 10, checksum(reply, 0, headerLength));
        reply[headerLength] = 0; // echo reply
        reply[headerLength + 2] = 0;
        reply[headerLength + 3] = 0;
        putChecksum(reply, headerLength + 2, checksum(reply, headerLength, totalLength - headerLength));
        return reply;
    }

    static int checksum(byte[] data, int offset, int length) {
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
        return (int) (~sum & 0xffff);
    }

    private static void putChecksum(byte[] data, int at, int value) {
        data[at] = (byte) (value >> 8);
        data[at + 1] = (byte) value;
    }
}
