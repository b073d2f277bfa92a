package dev.tunnelhelper.helper.binary;

/**
 * One verifier's check of one binary: it sees the binary's bytes once, in order, as they are
 * downloaded or read (so no verifier reads the file again), then judges it.
 */
public interface BinaryCheck extends ContentSink {

    @Override
    default void update(byte[] bytes, int offset, int length) {}

    /** Throws, naming the reason, unless the binary, all of whose bytes were fed, passes. */
    void verify(CandidateBinary candidate) throws VerificationException;
}
