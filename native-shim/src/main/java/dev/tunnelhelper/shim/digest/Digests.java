package dev.tunnelhelper.shim.digest;

import dev.tunnelhelper.shim.NativePlatform;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the helper's digests come from, chosen once per JVM: the system's libcrypto on Linux when
 * it loads and agrees with the JDK on known answers, the JDK's {@code MessageDigest} everywhere
 * else (macOS included: its libcrypto must not be loaded by applications; CommonCrypto is not
 * bound yet). {@code -Dtunnelhelper.digests=jdk} forces the JDK. The two give the same digests;
 * only the speed differs (see docs/performance.md, "Cold start").
 */
public final class Digests {

    /** The system property that forces the JDK's digests ({@code jdk}) or asks for the default ({@code auto}). */
    public static final String PROPERTY = "tunnelhelper.digests";

    private static final Logger log = LoggerFactory.getLogger(Digests.class);

    private static final class Chosen {
        static final Digests INSTANCE = choose(NativePlatform.current(), System.getProperty(PROPERTY, "auto"));
    }

    private static final Digests JDK = new Digests("JDK MessageDigest", JdkDigest::new);

    private final String engine;
    private final Function<DigestAlgorithm, StreamingDigest> opener;

    private Digests(String engine, Function<DigestAlgorithm, StreamingDigest> opener) {
        this.engine = engine;
        this.opener = opener;
    }

    /** This JVM's choice (made, and logged, at the first call). */
    public static Digests system() {
        return Chosen.INSTANCE;
    }

    /** The JDK's digests, whatever the system has. */
    public static Digests jdk() {
        return JDK;
    }

    static Digests choose(NativePlatform platform, String requested) {
        String mode = requested.trim().toLowerCase(Locale.ROOT);
        if (mode.equals("jdk")) {
            log.atInfo()
                    .setMessage("digests from the JDK")
                    .addKeyValue("reason", PROPERTY + "=jdk")
                    .log();
            return JDK;
        }
        if (!mode.equals("auto")) {
            throw new IllegalArgumentException(PROPERTY + " must be auto or jdk, not '" + requested + "'");
        }
        if (!platform.isLinux()) {
            return JDK;
        }
        try {
            Libcrypto crypto = Libcrypto.load();
            log.atDebug()
                    .setMessage("digests from libcrypto")
                    .addKeyValue("library", crypto.describe())
                    .log();
            return new Digests(crypto.describe(), crypto::open);
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            log.atInfo()
                    .setMessage("digests from the JDK")
                    .addKeyValue("reason", e.getMessage())
                    .log();
            return JDK;
        }
    }

    public StreamingDigest open(DigestAlgorithm algorithm) {
        return opener.apply(algorithm);
    }

    /** What computes the digests, for logs and {@code doctor}. */
    public String engine() {
        return engine;
    }

    @Override
    public String toString() {
        return engine;
    }
}
