package dev.tunnelhelper.testbed.deployment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Reads keys and checks signatures the way a helper would, with the JDK alone and independently
 * of the testbed's own {@link SigningKey} code, so a bug there cannot hide itself.
 */
final class PemKeys {

    private PemKeys() {
    }

    static PublicKey readEd25519PublicKey(Path pem) throws Exception {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        String base64 = text.replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** The deployment's format: Ed25519 over the 64-byte SHA-512 digest of the binary. */
    static boolean verify(PublicKey key, byte[] data, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(MessageDigest.getInstance("SHA-512").digest(data));
        return verifier.verify(signature);
    }
}
