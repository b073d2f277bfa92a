package dev.tunnelhelper.helper.binary;

/** One way of deciding that a downloaded binary is the vendor's, checked before it ever runs. */
public interface BinaryVerifier {

    /**
     * Starts checking one binary, before its first byte: a verifier that needs the detached
     * signature fetches it here, so it can check the bytes as they stream.
     */
    BinaryCheck begin(DetachedSignature signature) throws VerificationException;

    /**
     * A stable description of what this verifier accepts (keys, pins, requirement), used to
     * tell cached verification results of different policies apart. Never contains secrets.
     */
    String fingerprint();
}
