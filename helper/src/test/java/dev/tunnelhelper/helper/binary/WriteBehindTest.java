package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBehindTest {

    @Test
    void aFileWrittenInManyStretchesEndsCompleteAndIntact(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("binary");
        byte[] content = new byte[(int) (3 * WriteBehind.STRETCH + 12345)];
        new Random(7).nextBytes(content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            WriteBehind disk = new WriteBehind(channel);
            for (int at = 0; at < content.length; at += 65_536) {
                int n = Math.min(65_536, content.length - at);
                ByteBuffer chunk = ByteBuffer.wrap(content, at, n);
                while (chunk.hasRemaining()) {
                    channel.write(chunk);
                }
                disk.wrote(n);
            }
            disk.finish();
        }
        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    void aFlushThatFailedFailsTheDownloadAtTheLatestWhenItEnds(@TempDir Path dir) throws Exception {
        FileChannel channel =
                FileChannel.open(dir.resolve("binary"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        channel.close(); // every flush of it fails
        WriteBehind disk = new WriteBehind(channel);
        IOException e = assertThrows(IOException.class, () -> {
            disk.wrote(WriteBehind.STRETCH); // starts a flush that fails
            disk.finish();
        });
        assertThrows(ClosedChannelException.class, () -> {
            throw e;
        });
    }
}
