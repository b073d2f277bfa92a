package dev.tunnelhelper.shim.digest;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.tunnelhelper.protocol.concurrent.NamedThreads;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One libcrypto {@code EVP_MD_CTX}. The context is freed exactly once: by {@link #finish}, by
 * {@link #close}, or, for a digest its owner abandoned (a download that failed half way), when
 * the digest becomes unreachable, so a peer that makes downloads fail cannot make the daemon
 * hold native memory. Every native call happens under the context's lock with the pointer still
 * live, so no misuse (a call after finish, a close from another thread) reaches a freed context.
 */
final class LibcryptoDigest implements StreamingDigest {

    private static final class Reclaimer {
        static final Cleaner CLEANER = Cleaner.create(NamedThreads.factory("digest-cleaner"));
    }

    /** Owns the native pointer; freed once, by the cleanable (finish, close, or the cleaner). */
    private static final class Context implements Runnable {
        private final DigestAlgorithm algorithm;
        private Pointer ctx;

        Context(DigestAlgorithm algorithm, Pointer ctx) {
            this.algorithm = algorithm;
            this.ctx = ctx;
        }

        synchronized void update(ByteBuffer bytes, int length) {
            if (Libcrypto.Calls.EVP_DigestUpdate(live(), bytes, new NativeLong(length)) != 1) {
                throw new IllegalStateException("libcrypto failed to update a " + algorithm.jdkName() + " digest");
            }
        }

        synchronized byte[] finish() {
            byte[] out = new byte[64]; // EVP_MAX_MD_SIZE
            if (Libcrypto.Calls.EVP_DigestFinal_ex(live(), out, null) != 1) {
                throw new IllegalStateException("libcrypto failed to finish a " + algorithm.jdkName() + " digest");
            }
            return Arrays.copyOf(out, algorithm.length());
        }

        synchronized void checkLive() {
            live();
        }

        private Pointer live() {
            if (ctx == null) {
                throw new IllegalStateException(algorithm.jdkName() + " digest already finished or closed");
            }
            return ctx;
        }

        @Override
        public synchronized void run() {
            if (ctx != null) {
                Libcrypto.Calls.EVP_MD_CTX_free(ctx);
                ctx = null;
            }
        }
    }

    private final Context context;
    private final Cleaner.Cleanable cleanable;

    LibcryptoDigest(DigestAlgorithm algorithm, Pointer type) {
        Pointer ctx = Libcrypto.Calls.EVP_MD_CTX_new();
        if (ctx == null) {
            throw new OutOfMemoryError("libcrypto could not allocate a digest context");
        }
        this.context = new Context(algorithm, ctx);
        this.cleanable = Reclaimer.CLEANER.register(this, context);
        if (Libcrypto.Calls.EVP_DigestInit_ex(ctx, type, null) != 1) {
            cleanable.clean();
            throw new IllegalStateException("libcrypto could not start a " + algorithm.jdkName() + " digest");
        }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        try {
            if (length == 0) {
                context.checkLive();
                return;
            }
            // A heap buffer's slice: JNA hands libcrypto the array's bytes from the offset on.
            context.update(ByteBuffer.wrap(bytes, offset, length).slice(), length);
        } finally {
            Reference.reachabilityFence(this); // not cleaned while a call is under way
        }
    }

    @Override
    public byte[] finish() {
        try {
            return context.finish();
        } finally {
            cleanable.clean(); // freed whether or not the digest could be finished
            Reference.reachabilityFence(this);
        }
    }

    @Override
    public void close() {
        cleanable.clean();
    }
}
