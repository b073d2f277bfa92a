package dev.tunnelhelper.testbed.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the bytes the deployment publishes as the host platform's tunnel binary come from.
 * The server reads them once at start, then hashes and signs them.
 */
public interface BinarySource {

    /** The complete binary; must not be empty. */
    byte[] load() throws IOException;

    /** Human-readable origin, for logs and the start-up summary. */
    String describe();

    /** Serves the given file as the binary. */
    static BinarySource file(Path path) {
        Objects.requireNonNull(path, "path");
        return new BinarySource() {
            @Override
            public byte[] load() throws IOException {
                if (!Files.isRegularFile(path)) {
                    throw new IOException("binary file does not exist or is not a regular file: " + path);
                }
                return Files.readAllBytes(path);
            }

            @Override
            public String describe() {
                return path.toAbsolutePath().toString();
            }
        };
    }

    /** Serves the given bytes (copied) as the binary; handy for tests. */
    static BinarySource bytes(String description, byte[] content) {
        byte[] copy = content.clone();
        return new BinarySource() {
            @Override
            public byte[] load() {
                return copy.clone();
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
