package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A loopback HTTP/1.1 server that answers every request with exactly the bytes it is given (a
 * response head, then the first {@code sent} bytes of a body) and closes the connection: a
 * deployment that says whatever a test or the fuzzer wants, including what no real server would.
 */
final class RawHttpResponder implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private volatile byte[] head = new byte[0];
    private volatile byte[] body = new byte[0];
    private volatile int sent;

    RawHttpResponder() throws IOException {
        NamedThreads.start("raw-http-accept", this::serve);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/bin/coder");
    }

    void respondWith(byte[] head, byte[] body, int sent) {
        this.head = head;
        this.body = body;
        this.sent = sent;
    }

    /** A whole response: the head's lines (each without its CRLF), then all of the body. */
    void respondWith(String headLines, byte[] body) {
        respondWith(
                (headLines + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body, body.length);
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                readRequestHead(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                out.write(head);
                out.write(body, 0, sent);
                out.flush();
                connection.shutdownOutput();
            } catch (IOException e) {
                // The client hung up or the server is closing: the next request gets a fresh connection.
            }
        }
    }

    /** Reads up to the blank line that ends a request's head (at most 64 KiB). */
    static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        for (int i = 0; i < 65536 && matched < 4; i++) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
