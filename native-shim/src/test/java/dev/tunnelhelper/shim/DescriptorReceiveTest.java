package dev.tunnelhelper.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.newsclub.net.unix.AFUNIXSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketPair;
import org.newsclub.net.unix.FileDescriptorCast;

/**
 * {@code th_recv_fds}: what arrives with a message is either handed over or closed, never left
 * open and unknown in the receiver (the way a too-small control buffer leaves them).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "counts /proc/self/fd")
class DescriptorReceiveTest {
    private AFUNIXSocketPair<AFUNIXSocketChannel> pair;
    private AFUNIXSocketChannel sender;
    private int receiver;
    private final List<FileInputStream> toSend = new ArrayList<>();

    @BeforeEach
    void connect() throws IOException {
        pair = AFUNIXSocketPair.open();
        sender = pair.getFirst();
        receiver = FileDescriptorCast.using(pair.getSecond().socket().getFileDescriptor())
                .as(Integer.class);
    }

    @AfterEach
    void close() throws IOException {
        for (FileInputStream in : toSend) {
            in.close();
        }
        pair.close();
    }

    private FileDescriptor[] openDescriptors(int n) throws IOException {
        FileDescriptor[] fds = new FileDescriptor[n];
        for (int i = 0; i < n; i++) {
            FileInputStream in = new FileInputStream("/dev/null");
            toSend.add(in);
            fds[i] = in.getFD();
        }
        return fds;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void descriptorsWithinTheLimitArriveOpenAndCloseOnExec() throws Exception {
        Path file = Files.createTempFile("shared", ".txt");
        Files.writeString(file, "through the passed fd");
        try (FileInputStream shared = new FileInputStream(file.toFile())) {
            sender.setOutboundFileDescriptors(shared.getFD());
            sender.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
        } finally {
            Files.delete(file);
        }
        byte[] buf = new byte[2];
        Fds.Received got = Fds.receive(receiver, buf, 2, 4);
        assertEquals(2, got.bytes(), "never more than asked: the rest stays for the next read");
        assertEquals("ab", new String(buf, StandardCharsets.US_ASCII));
        assertEquals(1, got.fds().size());
        try (OwnedFd fd = got.fds().get(0);
                InputStream in = Fds.inputStream(OwnedFd.adopt(Fds.dup(fd.get()).release()))) {
            assertTrue(Fds.isCloexec(fd.get()));
            assertEquals("through the passed fd", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Fds.Received rest = Fds.receive(receiver, buf, 2, 4);
        assertEquals(1, rest.bytes());
        assertEquals(List.of(), rest.fds());
    }

    @Test
    void aHundredDescriptorsWithOneMessageAreAllClosedAndRefused() throws Exception {
        FileDescriptor[] hundred = openDescriptors(100);
        long before = openFds();
        sender.setOutboundFileDescriptors(hundred);
        sender.write(ByteBuffer.wrap(new byte[] {1}));
        RefusedDescriptorsException e =
                assertThrows(RefusedDescriptorsException.class, () -> Fds.receive(receiver, new byte[4], 4, 4));
        assertTrue(e.getMessage().startsWith("100 file descriptors sent with one message; at most 4"), e.getMessage());
        assertEquals(before, openFds(), "not one of the hundred stayed open in the receiver");
    }

    @Test
    void oneMoreThanTheLimitIsRefusedToo() throws Exception {
        long before = openFds();
        FileDescriptor[] five = openDescriptors(5);
        sender.setOutboundFileDescriptors(five);
        sender.write(ByteBuffer.wrap(new byte[] {1}));
        assertThrows(RefusedDescriptorsException.class, () -> Fds.receive(receiver, new byte[1], 1, 4));
        assertEquals(before + 5, openFds(), "only the sender's own five remain");
    }

    @Test
    void endOfStreamIsZeroBytes() throws Exception {
        sender.close();
        assertEquals(0, Fds.receive(receiver, new byte[4], 4, 4).bytes());
    }
}
