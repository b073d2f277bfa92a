package dev.tunnelhelper.testbed.deployment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * The binary as published: its bytes, digests and signature, plus the variants fault injection
 * serves. Identity (ETag, signature) always describes the untampered bytes.
 */
final class PublishedBinary {

    private final byte[] bytes;
    private final String sha1;
    private final String sha256;
    private final byte[] signature;
    // Compressed and tampered variants are computed on first use and then reused.
    private volatile byte[] tampered;
    private volatile byte[] gzipped;
    private volatile byte[] gzippedTampered;

    PublishedBinary(byte[] bytes, SigningKey key) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the binary is empty");
        }
        this.bytes = bytes.clone();
        this.sha1 = hex("SHA-1", this.bytes);
        this.sha256 = hex("SHA-256", this.bytes);
        this.signature = key.sign(this.bytes);
    }

    private static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from the JDK", e);
        }
    }

    int length() {
        return bytes.length;
    }

    String sha1() {
        return sha1;
    }

    String sha256() {
        return sha256;
    }

    /** Quoted lowercase hex SHA-1, as a Coder deployment sends it. */
    String etag() {
        return '"' + sha1 + '"';
    }

    byte[] signature() {
        return signature.clone();
    }

    /** The uncompressed body to send; do not modify. */
    byte[] body(boolean tamper) {
        return tamper ? tampered() : bytes;
    }

    /** The gzip-compressed body to send; do not modify. */
    byte[] gzippedBody(boolean tamper) {
        if (tamper) {
            byte[] result = gzippedTampered;
            if (result == null) {
                result = gzip(tampered());
                gzippedTampered = result;
            }
            return result;
        }
        byte[] result = gzipped;
        if (result == null) {
            result = gzip(bytes);
            gzipped = result;
        }
        return result;
    }

    private byte[] tampered() {
        byte[] result = tampered;
        if (result == null) {
            result = bytes.clone();
            // Flip the middle and the last byte: any change breaks the signature, and leaving the
            // first bytes alone keeps the file looking like the real thing (e.g. its ELF magic).
            result[result.length / 2] ^= (byte) 0xFF;
            result[result.length - 1] ^= (byte) 0x5A;
            tampered = result;
        }
        return result;
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
