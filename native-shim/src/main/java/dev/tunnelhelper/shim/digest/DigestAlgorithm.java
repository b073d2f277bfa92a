package dev.tunnelhelper.shim.digest;

/** The digests the helper computes over a tunnel binary, with their names in the JDK and in OpenSSL. */
public enum DigestAlgorithm {
    SHA_1("SHA-1", "SHA1", 20),
    SHA_256("SHA-256", "SHA256", 32),
    SHA_512("SHA-512", "SHA512", 64);

    private final String jdkName;
    private final String opensslName;
    private final int length;

    DigestAlgorithm(String jdkName, String opensslName, int length) {
        this.jdkName = jdkName;
        this.opensslName = opensslName;
        this.length = length;
    }

    /** The standard name {@link java.security.MessageDigest} knows it by. */
    public String jdkName() {
        return jdkName;
    }

    String opensslName() {
        return opensslName;
    }

    /** The digest's length in bytes. */
    public int length() {
        return length;
    }
}
