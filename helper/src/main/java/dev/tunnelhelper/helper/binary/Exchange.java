package dev.tunnelhelper.helper.binary;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;

/**
 * One request on a thread of the {@link DeploymentHttp}'s own: sends it, waits for the status
 * and headers, and reads the body into the {@link BodyStream}'s buffers as fast as they are
 * handed back. A connection whose body was read to its end goes back to the JDK's keep-alive
 * cache for the next request to the same server; any other is dropped. A body that ends before
 * the length its headers announced is an error here, not a short body (the JDK's stream just
 * ends early).
 */
final class Exchange implements Runnable {

    private final HttpURLConnection connection;
    private final BodyStream body;

    Exchange(HttpURLConnection connection, BodyStream body) {
        this.connection = connection;
        this.body = body;
    }

    @Override
    public void run() {
        boolean readToTheEnd = false;
        try {
            int status = connection.getResponseCode();
            if (status < 100) {
                throw new IOException("the response has no valid HTTP/1.1 status line");
            }
            ResponseHeaders headers = ResponseHeaders.of(connection);
            body.headArrived(new BodyStream.Head(status, headers));
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (in == null) {
                body.completed();
                readToTheEnd = true;
            } else {
                readToTheEnd = copy(in, announcedLength(status, headers));
                if (readToTheEnd) {
                    in.close(); // back to the keep-alive cache
                }
            }
        } catch (IOException | RuntimeException e) {
            // RuntimeException too: the JDK's parser throws some on malformed responses, and
            // whatever the server sent must end as a failed transfer, not a lost thread.
            body.failed(e);
        } finally {
            if (!readToTheEnd) {
                connection.disconnect();
            }
        }
    }

    private boolean copy(InputStream in, long announced) throws IOException {
        long received = 0;
        try {
            // A body of known length ends with its last byte: no buffer and no read just to see
            // the end (a build-info answer would otherwise take two buffers of CHUNK bytes).
            while (announced < 0 || received < announced) {
                byte[] buffer = body.nextBuffer();
                if (buffer == null) {
                    return false;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received += n;
                if (!body.arrived(buffer, n)) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (announced >= 0 && received < announced) {
            throw new EOFException(
                    "the connection ended after " + received + " of the " + announced + " bytes announced");
        }
        body.completed();
        return true;
    }

    /**
     * The body's length from Content-Length, or -1: none, unparsable (the JDK then reads to the
     * end of the connection), beside a Transfer-Encoding (the chunks frame the body then), or on
     * a 204 or 304, which never have a body (a 304's Content-Length describes the stored file).
     */
    private static long announcedLength(int status, ResponseHeaders headers) {
        if (status == 204
                || status == 304
                || headers.firstValue("Transfer-Encoding").isPresent()) {
            return -1;
        }
        return headers.firstValue("Content-Length")
                .map(value -> {
                    try {
                        return Long.parseLong(value.trim());
                    } catch (NumberFormatException e) {
                        return -1L;
                    }
                })
                .orElse(-1L);
    }
}
