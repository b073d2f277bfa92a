package dev.tunnelhelper.helper.e2e;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import dev.tunnelhelper.protocol.FrameCodec;
import dev.tunnelhelper.protocol.testing.OtherUser;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * A client driven by hand on one socket (for instance one {@code OtherUser} connected as another
 * uid): the hello line, frames and descriptors exactly as a hostile peer chooses to send them.
 * No threads: everything happens on the caller's.
 */
final class RawClient implements AutoCloseable {
    private static final FrameCodec CODEC = new FrameCodec();
    private final AFUNIXSocket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(AFUNIXSocket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(30_000);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Sends {@code tunnelhelper ROLE 1.0}, with {@code fds} attached to its first byte. */
    RawClient hello(String role, FileDescriptor... fds) throws IOException {
        write(("tunnelhelper " + role + " 1.0\n").getBytes(StandardCharsets.US_ASCII), fds);
        return this;
    }

    /** The helper's line, without its newline. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("end of stream after \"" + line + "\"");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    /** One frame, with {@code fds} attached to its first byte. */
    void send(MessageLite message, FileDescriptor... fds) throws IOException {
        write(CODEC.encode(message), fds);
    }

    /** Bytes as they are: a partial or malformed line, for instance. */
    void write(byte[] bytes, FileDescriptor... fds) throws IOException {
        if (fds.length > 0) {
            socket.setOutboundFileDescriptors(fds);
        }
        out.write(bytes);
        out.flush();
    }

    /** The next frame, or null when the helper closed the connection. */
    <R> R receive(Parser<R> parser) throws IOException {
        byte[] payload = CODEC.readFrame(in);
        return payload == null ? null : parser.parseFrom(payload);
    }

    /** True when the helper has closed the connection: nothing more comes, not even a reset. */
    boolean endsWithoutMore() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        OtherUser.close(socket);
    }
}
