package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.shim.digest.DigestAlgorithm;
import dev.tunnelhelper.shim.digest.Digests;
import dev.tunnelhelper.shim.digest.StreamingDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * SHA-1 (the deployment's ETag) and SHA-256 (what pins and caches key on) in one streaming pass,
 * which also feeds the bytes to whatever else must see them (the verifiers' checks). A SHA-1 the
 * deployment already stated for the content is kept instead of computed: it only ever becomes the
 * next conditional request's {@code If-None-Match}, and each digest over a large binary costs a
 * noticeable part of a cold start. The digests are {@link Digests#system()}'s: libcrypto's where
 * the system has it (the daemon's client compiler has no SHA intrinsics), the JDK's otherwise.
 */
final class FileHasher {

    /** Null when the SHA-1 was stated, not computed. */
    private final StreamingDigest sha1;

    private final Optional<String> statedSha1;
    private final StreamingDigest sha256 = Digests.system().open(DigestAlgorithm.SHA_256);
    private final ContentSink also;
    private long size;

    FileHasher(ContentSink also) {
        this(also, Optional.empty());
    }

    /** @param statedSha1 the content's lowercase hex SHA-1 as the deployment's ETag stated it, if it did */
    FileHasher(ContentSink also, Optional<String> statedSha1) {
        this.also = also;
        this.statedSha1 = statedSha1;
        this.sha1 = statedSha1.isPresent() ? null : Digests.system().open(DigestAlgorithm.SHA_1);
    }

    void update(byte[] buffer, int offset, int length) {
        if (sha1 != null) {
            sha1.update(buffer, offset, length);
        }
        sha256.update(buffer, offset, length);
        also.update(buffer, offset, length);
        size += length;
    }

    long size() {
        return size;
    }

    FileHashes finish() {
        HexFormat hex = HexFormat.of();
        String sha1Hex = sha1 == null ? statedSha1.orElseThrow() : hex.formatHex(sha1.finish());
        return new FileHashes(sha1Hex, hex.formatHex(sha256.finish()), size);
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

    /** The JDK's digest, for small inputs (key fingerprints) where the speed does not matter. */
    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is a mandatory JDK algorithm", e);
        }
    }
}
