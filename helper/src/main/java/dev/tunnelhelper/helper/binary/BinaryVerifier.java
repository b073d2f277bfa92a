package dev.tunnelhelper.helper.binary;

/** One way of deciding that a downloaded binary is the vendor's, checked before it ever runs. */
public interface BinaryVerifier {

    /** Throws, naming the reason, unless the candidate passes. */
    void verify(CandidateBinary candidate) throws VerificationException;

    /**
     * A stable description of what this verifier accepts (keys, pins, requirement), used to
     * tell cached verification results of different policies apart. Never contains secrets.
     */
    String fingerprint();
}
