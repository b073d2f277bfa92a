package dev.tunnelhelper.helper.endpoint;

import dev.tunnelhelper.protocol.FileDescriptors;
import dev.tunnelhelper.protocol.ProtocolException;
import dev.tunnelhelper.protocol.endpoint.UnixSocketChannel;
import dev.tunnelhelper.shim.Fds;
import dev.tunnelhelper.shim.NativeException;
import dev.tunnelhelper.shim.OwnedFd;
import dev.tunnelhelper.shim.RefusedDescriptorsException;
import java.io.FileDescriptor;
import java.io.IOException;
import java.util.List;

/**
 * Receives a frame's first bytes and its descriptors with the shim's {@code th_recv_fds}: room
 * for more than a message can carry, so nothing is truncated, and more than
 * {@link UnixSocketChannel#MAX_FDS_PER_MESSAGE} is a protocol violation with all of them closed.
 */
final class ShimDescriptorReceiver implements UnixSocketChannel.DescriptorReceiver {
    static final ShimDescriptorReceiver INSTANCE = new ShimDescriptorReceiver();

    private ShimDescriptorReceiver() {}

    @Override
    public int read(int socketFd, byte[] buf, int len, List<FileDescriptor> fds) throws IOException {
        Fds.Received received;
        try {
            received = Fds.receive(socketFd, buf, len, UnixSocketChannel.MAX_FDS_PER_MESSAGE);
        } catch (RefusedDescriptorsException e) {
            throw new ProtocolException(e.getMessage());
        } catch (NativeException e) {
            throw new IOException(e.getMessage(), e);
        }
        try {
            for (OwnedFd fd : received.fds()) {
                fds.add(FileDescriptors.of(fd.get()));
                fd.release();
            }
        } catch (IOException e) {
            received.fds().forEach(OwnedFd::close);
            FileDescriptors.closeQuietly(fds);
            throw e;
        }
        return received.bytes();
    }
}
