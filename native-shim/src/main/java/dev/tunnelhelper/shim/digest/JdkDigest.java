package dev.tunnelhelper.shim.digest;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/** A {@link StreamingDigest} over the JDK's {@link MessageDigest}: available everywhere. */
final class JdkDigest implements StreamingDigest {

    private final DigestAlgorithm algorithm;
    private MessageDigest digest;

    JdkDigest(DigestAlgorithm algorithm) {
        this.algorithm = algorithm;
        try {
            this.digest = MessageDigest.getInstance(algorithm.jdkName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm.jdkName() + " is a mandatory JDK algorithm", e);
        }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        open().update(bytes, offset, length);
    }

    @Override
    public byte[] finish() {
        byte[] result = open().digest();
        digest = null;
        return result;
    }

    @Override
    public void close() {
        digest = null;
    }

    private MessageDigest open() {
        if (digest == null) {
            throw new IllegalStateException(algorithm.jdkName() + " digest already finished or closed");
        }
        return digest;
    }
}
