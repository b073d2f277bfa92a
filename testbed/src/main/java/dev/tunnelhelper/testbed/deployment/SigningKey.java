package dev.tunnelhelper.testbed.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's Ed25519 key pair. Kept in the deployment directory so a restarted testbed
 * signs with the same key and a helper that pinned the public key keeps trusting it.
 */
public final class SigningKey {

    public static final String PRIVATE_KEY_FILE = "signing-key.pem";
    public static final String PUBLIC_KEY_FILE = "signing-key.pub.pem";

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);
    private static final String ALGORITHM = "Ed25519";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final Path publicKeyPath;

    private SigningKey(PrivateKey privateKey, PublicKey publicKey, Path publicKeyPath) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.publicKeyPath = publicKeyPath;
    }

    /** Reuses the pair in {@code dir}, or generates and stores one when there is none. */
    public static SigningKey loadOrCreate(Path dir) throws IOException {
        Path privatePath = dir.resolve(PRIVATE_KEY_FILE);
        Path publicPath = dir.resolve(PUBLIC_KEY_FILE);
        try {
            if (Files.exists(privatePath)) {
                return load(privatePath, publicPath);
            }
            return create(privatePath, publicPath);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up the Ed25519 signing key in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static SigningKey create(Path privatePath, Path publicPath) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        PrivateFiles.writeOwnerOnly(
                privatePath,
                Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
        PrivateFiles.writePublic(
                publicPath,
                Pem.encode("PUBLIC KEY", pair.getPublic().getEncoded()).getBytes(StandardCharsets.US_ASCII));
        log.info("generated Ed25519 signing key, public key in {}", publicPath.toAbsolutePath());
        return new SigningKey(pair.getPrivate(), pair.getPublic(), publicPath.toAbsolutePath());
    }

    private static SigningKey load(Path privatePath, Path publicPath) throws IOException, GeneralSecurityException {
        // The JDK cannot derive an Ed25519 public key from the private one, so both files must exist.
        if (!Files.exists(publicPath)) {
            throw new IOException(publicPath + " is missing next to " + privatePath + "; delete " + privatePath
                    + " to generate a new key pair");
        }
        KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
        PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(
                Pem.decode("PRIVATE KEY", Files.readString(privatePath, StandardCharsets.US_ASCII))));
        PublicKey publicKey = readPublicKey(publicPath);
        SigningKey key = new SigningKey(privateKey, publicKey, publicPath.toAbsolutePath());
        byte[] probe = "testbed key pair check".getBytes(StandardCharsets.US_ASCII);
        if (!verify(publicKey, probe, key.sign(probe))) {
            throw new IOException(
                    publicPath + " does not belong to " + privatePath + "; delete both to generate a new key pair");
        }
        log.info("reusing Ed25519 signing key from {}", privatePath.toAbsolutePath());
        return key;
    }

    /** Reads a PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo) Ed25519 key, as a helper would. */
    public static PublicKey readPublicKey(Path pem) throws IOException, GeneralSecurityException {
        byte[] der = Pem.decode("PUBLIC KEY", Files.readString(pem, StandardCharsets.US_ASCII));
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    }

    /** Checks a raw 64-byte detached signature over {@code data}. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance(ALGORITHM);
        verifier.initVerify(key);
        verifier.update(data);
        return verifier.verify(signature);
    }

    /** The raw 64-byte Ed25519 signature over all of {@code data}. */
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(privateKey);
            signer.update(data);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** Absolute path of the PEM public key a helper should pin. */
    public Path publicKeyPath() {
        return publicKeyPath;
    }
}
