package dev.tunnelhelper.protocol;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;

/**
 * Two kernel pipes wired as a duplex link, the way the helper and the tunnel binary are wired:
 * each end reads one pipe and writes the other. Streams are unbuffered.
 */
final class PipePair implements Closeable {
    final End left;
    final End right;

    private PipePair(Pipe leftToRight, Pipe rightToLeft) {
        left = new End(
                Channels.newInputStream(rightToLeft.source()),
                Channels.newOutputStream(leftToRight.sink()),
                rightToLeft.source(),
                leftToRight.sink());
        right = new End(
                Channels.newInputStream(leftToRight.source()),
                Channels.newOutputStream(rightToLeft.sink()),
                leftToRight.source(),
                rightToLeft.sink());
    }

    static PipePair open() throws IOException {
        return new PipePair(Pipe.open(), Pipe.open());
    }

    @Override
    public void close() throws IOException {
        left.close();
        right.close();
    }

    /** One side: its read stream, its write stream, and a closer for both. */
    record End(InputStream in, OutputStream out, Closeable source, Closeable sink) implements Closeable {
        @Override
        public void close() throws IOException {
            sink.close();
            source.close();
        }
    }
}
