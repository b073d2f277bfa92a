package dev.tunnelhelper.shim.digest;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.tunnelhelper.shim.JnaSearch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The system's OpenSSL libcrypto (1.1 or 3), loaded by its versioned soname through the dynamic
 * loader's own search (the system library directories, never a directory another user could
 * write), for its digests: they use the CPU's SHA instructions, which the daemon's client compiler
 * cannot (its JDK intrinsics are C2's), so a 64 MiB binary hashes in tens of milliseconds instead
 * of hundreds. Only the EVP digest calls are bound; a library that lacks them, or whose digests
 * disagree with the JDK's on a known answer, is not used.
 */
final class Libcrypto {

    /** Tried in order; the unversioned {@code libcrypto.so} is a development file and may be any version. */
    static final List<String> SONAMES = List.of("libcrypto.so.3", "libcrypto.so.1.1");

    /** JNA direct mapping: bound once per JVM by {@link #load}. */
    static final class Calls {
        private Calls() {}

        static native Pointer EVP_MD_CTX_new();

        static native void EVP_MD_CTX_free(Pointer ctx);

        static native Pointer EVP_get_digestbyname(String name);

        static native int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

        static native int EVP_DigestUpdate(Pointer ctx, ByteBuffer data, NativeLong count);

        static native int EVP_DigestFinal_ex(Pointer ctx, byte[] md, Pointer size);

        static native String OpenSSL_version(int type);
    }

    private final String soname;
    private final String version;
    private final Map<DigestAlgorithm, Pointer> types;

    private Libcrypto(String soname, String version, Map<DigestAlgorithm, Pointer> types) {
        this.soname = soname;
        this.version = version;
        this.types = types;
    }

    /** The outcome of the one binding attempt per JVM: JNA binds a class's native methods once. */
    private static final class Bound {
        static final Object OUTCOME = bind();

        private static Object bind() {
            try {
                return bindFirst();
            } catch (IllegalStateException | UnsatisfiedLinkError e) {
                return e;
            }
        }
    }

    /**
     * The library bound by the first soname that loads, with every algorithm checked against the
     * JDK on a known input; throws {@link IllegalStateException} saying why when none can be used.
     * The attempt is made once per JVM; later calls give its outcome.
     */
    static Libcrypto load() {
        Object outcome = Bound.OUTCOME;
        if (outcome instanceof Libcrypto crypto) {
            return crypto;
        }
        Throwable failure = (Throwable) outcome;
        throw new IllegalStateException(failure.getMessage(), failure);
    }

    private static Libcrypto bindFirst() {
        JnaSearch.loaderOnly();
        StringBuilder tried = new StringBuilder();
        for (String soname : SONAMES) {
            NativeLibrary library;
            try {
                library = NativeLibrary.getInstance(soname);
            } catch (UnsatisfiedLinkError e) {
                tried.append(tried.length() == 0 ? "" : "; ").append(soname).append(": not found");
                continue;
            }
            try {
                Native.register(Calls.class, library);
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException(soname + " lacks the EVP digest functions: " + e.getMessage(), e);
            }
            Map<DigestAlgorithm, Pointer> types = new EnumMap<>(DigestAlgorithm.class);
            for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
                Pointer type = Calls.EVP_get_digestbyname(algorithm.opensslName());
                if (type == null) {
                    throw new IllegalStateException(soname + " has no " + algorithm.jdkName());
                }
                types.put(algorithm, type);
            }
            Libcrypto crypto = new Libcrypto(soname, Calls.OpenSSL_version(0), types);
            crypto.checkKnownAnswers();
            return crypto;
        }
        throw new IllegalStateException("no libcrypto (" + tried + ")");
    }

    /** Each algorithm over a multi-block input fed in uneven pieces, against the JDK's digest. */
    private void checkKnownAnswers() {
        byte[] input = new byte[1000];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + 7);
        }
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            byte[] ours;
            try (StreamingDigest digest = open(algorithm)) {
                digest.update(input, 0, 3);
                digest.update(input, 3, 0);
                digest.update(input, 3, 700);
                digest.update(input, 703, input.length - 703);
                ours = digest.finish();
            }
            JdkDigest reference = new JdkDigest(algorithm);
            reference.update(input);
            if (!Arrays.equals(ours, reference.finish())) {
                throw new IllegalStateException(soname + "'s " + algorithm.jdkName() + " disagrees with the JDK's");
            }
        }
    }

    StreamingDigest open(DigestAlgorithm algorithm) {
        return new LibcryptoDigest(algorithm, types.get(algorithm));
    }

    /** The soname and the library's own version line, for logs and {@code doctor}. */
    String describe() {
        return soname + " (" + version + ")";
    }
}
