package dev.tunnelhelper.shim.digest;

/**
 * One digest computed over bytes fed in order. Owned by one thread at a time. {@link #finish}
 * returns the digest and releases what the digest held; after it, or after {@link #close}, the
 * digest refuses further use with an {@link IllegalStateException} (a native context is never
 * touched once freed).
 */
public interface StreamingDigest extends AutoCloseable {

    void update(byte[] bytes, int offset, int length);

    default void update(byte[] bytes) {
        update(bytes, 0, bytes.length);
    }

    /** The digest of everything fed so far; the digest cannot be used afterwards. */
    byte[] finish();

    /** Releases the digest without a result; does nothing if it was already finished or closed. */
    @Override
    void close();
}
