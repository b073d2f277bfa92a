package dev.tunnelhelper.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors as carriers hand them over: their kernel numbers, and closing the unwanted ones. */
class FileDescriptorsTest {
    @TempDir
    Path dir;

    @Test
    void aDescriptorsNumberIsTheKernelsAndARawNumberNamesTheSameOpenFile() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "abc");
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            int number = FileDescriptors.number(in.getFD());
            assertEquals(file, Files.readSymbolicLink(Path.of("/proc/self/fd/" + number)));

            FileDescriptor same = FileDescriptors.of(number);
            assertEquals(number, FileDescriptors.number(same));
            // Not closed here: the number is still owned by `in`.
            assertEquals('a', new FileInputStream(same).read());
            assertEquals('b', in.read(), "one open file: both read at the same offset");
        }
    }

    @Test
    void closeQuietlyClosesEveryDescriptorItIsGiven() throws IOException {
        Path file = Files.writeString(dir.resolve("data"), "abc");
        FileInputStream first = new FileInputStream(file.toFile());
        FileInputStream second = new FileInputStream(file.toFile());
        FileDescriptors.closeQuietly(List.of(first.getFD(), second.getFD()));
        assertFalse(first.getFD().valid());
        assertFalse(second.getFD().valid());
    }
}
