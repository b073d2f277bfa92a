package dev.tunnelhelper.helper.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * The network-extension endpoint takes at most four descriptors with a frame's first bytes
 * (docs/security.md, "Bounded input"): four arrive, a fifth makes the read a protocol violation
 * with every one of them closed.
 */
class ShimDescriptorReceiverTest {
    private AFUNIXSocketPair<AFUNIXSocketChannel> pair;
    private int receiverFd;
    private final List<FileInputStream> toSend = new ArrayList<>();

    @BeforeEach
    void connect() throws IOException {
        pair = AFUNIXSocketPair.open();
        receiverFd = FileDescriptorCast.using(pair.getSecond().socket().getFileDescriptor())
                .as(Integer.class);
    }

    @AfterEach
    void close() throws IOException {
        for (FileInputStream in : toSend) {
            in.close();
        }
        pair.close();
    }

    private void send(int descriptors) throws IOException {
        FileDescriptor[] fds = new FileDescriptor[descriptors];
        for (int i = 0; i < descriptors; i++) {
            FileInputStream in = new FileInputStream("/dev/null");
            toSend.add(in);
            fds[i] = in.getFD();
        }
        pair.getFirst().setOutboundFileDescriptors(fds);
        pair.getFirst().write(ByteBuffer.wrap(new byte[] {0, 0, 0, 2}));
    }

    /**
     * The process's descriptors open on /dev/null, where every descriptor sent here points. Not
     * all descriptors: the JVM opens some of its own lazily (the first run of a test in a fresh
     * JVM gained one during the read), which says nothing about the ones received.
     */
    private static long devNullFds() throws IOException {
        Path devNull = Path.of("/dev/null");
        long n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                if (pointsAt(fd, devNull)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean pointsAt(Path fd, Path target) {
        try {
            return Files.readSymbolicLink(fd).equals(target);
        } catch (IOException closedMeanwhile) {
            return false; // the listing's own descriptor, closed by the time it is read
        }
    }

    @Test
    void fourDescriptorsWithAFrameAreHandedOver() throws IOException {
        send(4);
        List<FileDescriptor> received = new ArrayList<>();
        assertEquals(4, ShimDescriptorReceiver.INSTANCE.read(receiverFd, new byte[4], 4, received));
        assertEquals(UnixSocketChannel.MAX_FDS_PER_MESSAGE, received.size());
        FileDescriptors.closeQuietly(received);
    }

    @Test
    void aFifthDescriptorIsAProtocolViolationAndNoneStaysOpen() throws IOException {
        send(5);
        long before = devNullFds();
        List<FileDescriptor> received = new ArrayList<>();
        ProtocolException e = assertThrows(
                ProtocolException.class,
                () -> ShimDescriptorReceiver.INSTANCE.read(receiverFd, new byte[4], 4, received));
        assertTrue(e.getMessage().startsWith("5 file descriptors sent with one message; at most 4"), e.getMessage());
        assertEquals(List.of(), received);
        assertEquals(before, devNullFds(), "not one of the five stayed open in the helper");
    }
}
