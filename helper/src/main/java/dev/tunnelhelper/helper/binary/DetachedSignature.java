package dev.tunnelhelper.helper.binary;

/** Where a binary's detached signature comes from: fetched only by a verifier that needs it (Ed25519). */
@FunctionalInterface
public interface DetachedSignature {
    byte[] fetch() throws VerificationException;
}
