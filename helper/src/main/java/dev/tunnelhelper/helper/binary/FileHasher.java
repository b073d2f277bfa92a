package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-1 (the deployment's ETag) and SHA-256 (what pins and caches key on) in one streaming pass,
 * which also feeds the bytes to whatever else must see them (the verifiers' checks).
 */
final class FileHasher {

    private final MessageDigest sha1 = digest("SHA-1");
    private final MessageDigest sha256 = digest("SHA-256");
    private final ContentSink also;
    private long size;

    FileHasher(ContentSink also) {
        this.also = also;
    }

    void update(byte[] buffer, int offset, int length) {
        sha1.update(buffer, offset, length);
        sha256.update(buffer, offset, length);
        also.update(buffer, offset, length);
        size += length;
    }

    long size() {
        return size;
    }

    FileHashes finish() {
        HexFormat hex = HexFormat.of();
        return new FileHashes(hex.formatHex(sha1.digest()), hex.formatHex(sha256.digest()), size);
    }

    /** Hashes a file without following a symlink at its path. */
    static FileHashes hash(Path file) throws IOException {
        return hash(file, ContentSink.NONE);
    }

    /** Hashes a file, feeding its bytes to {@code also} too. */
    static FileHashes hash(Path file, ContentSink also) throws IOException {
        FileHasher hasher = new FileHasher(also);
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                hasher.update(buffer, 0, n);
            }
        }
        return hasher.finish();
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is a mandatory JDK algorithm", e);
        }
    }
}
