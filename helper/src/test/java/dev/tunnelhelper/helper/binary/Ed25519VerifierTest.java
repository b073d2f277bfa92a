package dev.tunnelhelper.helper.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming Ed25519 check: RFC 8032's test vectors, and the JDK's own Ed25519 as the judge
 * of random keys, messages and signatures, tampered ones, and the encodings an implementation
 * can get wrong (S not below L, R not canonical, R off by a point of small order, which only a
 * cofactored equation accepts: the JDK's equation is the cofactorless one, and so is ours).
 */
class Ed25519VerifierTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SPKI_PREFIX = HEX.parseHex("302a300506032b6570032100");
    private static final Path FILE = Path.of("coder");

    /** RFC 8032 §7.1, tests 1 to 3: secret key, public key, message, signature. */
    private static final List<String[]> RFC_8032_VECTORS = List.of(
            new String[] {
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            },
            new String[] {
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            },
            new String[] {
                "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
            });

    private final Random random = new Random(14);

    @Test
    void theRfc8032TestVectorsVerifyAndTheirSignaturesAreTheJdksToo() throws Exception {
        for (String[] vector : RFC_8032_VECTORS) {
            PublicKey key = publicKey(HEX.parseHex(vector[1]));
            byte[] message = HEX.parseHex(vector[2]);
            byte[] signature = HEX.parseHex(vector[3]);
            assertArrayEquals(signature, jdkSign(privateKey(HEX.parseHex(vector[0])), message), "the vector as read");
            assertTrue(streamed(key, message, signature), vector[3]);
            message = Arrays.copyOf(message, message.length + 1);
            assertFalse(streamed(key, message, signature), "one byte more is another message");
        }
    }

    @Test
    void randomKeysMessagesAndSignaturesAreJudgedAsTheJdkJudgesThem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        for (int i = 0; i < 40; i++) {
            KeyPair pair = generator.generateKeyPair();
            byte[] message = new byte[random.nextInt(5000)];
            random.nextBytes(message);
            byte[] signature = jdkSign(pair.getPrivate(), message);
            assertTrue(streamed(pair.getPublic(), message, signature));

            if (message.length > 0) {
                byte[] tampered = message.clone();
                tampered[random.nextInt(tampered.length)] ^= (byte) (1 << random.nextInt(8));
                assertFalse(jdkVerifies(pair.getPublic(), tampered, signature));
                assertFalse(streamed(pair.getPublic(), tampered, signature), "a flipped message bit");
            }
            byte[] badSignature = signature.clone();
            badSignature[random.nextInt(64)] ^= (byte) (1 << random.nextInt(8));
            assertEquals(
                    jdkVerifies(pair.getPublic(), message, badSignature),
                    judged(pair.getPublic(), message, badSignature),
                    "a flipped signature bit: " + HEX.formatHex(badSignature));
        }
    }

    @Test
    void aTamperedByteAnywhereInTheStreamIsRejected() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] message = new byte[300];
        random.nextBytes(message);
        byte[] signature = jdkSign(pair.getPrivate(), message);
        for (int at = 0; at < message.length; at++) {
            byte[] tampered = message.clone();
            tampered[at] ^= 0x01;
            assertFalse(streamed(pair.getPublic(), tampered, signature), "byte " + at + " changed");
        }
        assertFalse(streamed(pair.getPublic(), Arrays.copyOf(message, message.length - 1), signature), "truncated");
    }

    @Test
    void anSNotBelowTheGroupOrderIsRefusedThoughTheEquationHolds() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] message = "binary".getBytes(StandardCharsets.US_ASCII);
        byte[] signature = jdkSign(pair.getPrivate(), message);
        BigInteger s = Ed25519Group.littleEndian(signature, 32, 32).add(Ed25519Group.L);
        byte[] nonCanonical = signature.clone();
        System.arraycopy(littleEndian(s), 0, nonCanonical, 32, 32);

        assertFalse(jdkVerifies(pair.getPublic(), message, nonCanonical));
        VerificationException e =
                assertThrows(VerificationException.class, () -> streamed(pair.getPublic(), message, nonCanonical));
        assertTrue(e.getMessage().contains("malformed (S out of range)"), e.getMessage());
    }

    /** Signatures made here with a known secret scalar, R chosen freely: what only a lax verifier accepts. */
    @Test
    void rMustBeACanonicalEncodingAndTheEquationIsCofactorless() throws Exception {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        BigInteger secret = secretScalar(seed);
        PublicKey key = publicKey(encode(Ed25519Group.BASE.times(secret)));
        byte[] message = "binary".getBytes(StandardCharsets.US_ASCII);
        assertTrue(jdkVerifies(key, message, jdkSign(privateKey(seed), message)), "the key the JDK derives");

        // R = identity (nonce 0), canonically encoded: valid for both.
        byte[] identity = encode(Ed25519Group.IDENTITY);
        byte[] valid = sign(secret, key, BigInteger.ZERO, identity, message);
        assertTrue(jdkVerifies(key, message, valid));
        assertTrue(streamed(key, message, valid));

        // The identity's y = 1 written as p + 1: the same point, a non-canonical encoding.
        byte[] yPlusP = littleEndian(Ed25519Group.P.add(BigInteger.ONE));
        byte[] nonCanonical = sign(secret, key, BigInteger.ZERO, yPlusP, message);
        assertFalse(jdkVerifies(key, message, nonCanonical));
        assertThrows(VerificationException.class, () -> streamed(key, message, nonCanonical));

        // x = 0 with the sign bit set.
        byte[] negativeZero = identity.clone();
        negativeZero[31] |= (byte) 0x80;
        byte[] signedZero = sign(secret, key, BigInteger.ZERO, negativeZero, message);
        assertEquals(jdkVerifies(key, message, signedZero), judged(key, message, signedZero));

        // R = [r]B + T, T of order 2: [8][S]B = [8]R + [8][k]A holds, [S]B = R + [k]A does not.
        BigInteger nonce = new BigInteger(250, random);
        Ed25519Group.Point order2 = Ed25519Group.decode(littleEndian(Ed25519Group.P.subtract(BigInteger.ONE)))
                .orElseThrow();
        byte[] mixed = encode(Ed25519Group.BASE.times(nonce).plus(order2));
        byte[] cofactored = sign(secret, key, nonce, mixed, message);
        assertFalse(jdkVerifies(key, message, cofactored));
        assertFalse(streamed(key, message, cofactored));
    }

    @Test
    void aSignatureOfAnyOtherLengthIsRefusedNamingItsLength() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Ed25519Verifier verifier = new Ed25519Verifier(List.of(pair.getPublic()));
        for (int length : new int[] {0, 63, 65}) {
            VerificationException e =
                    assertThrows(VerificationException.class, () -> verifier.begin(() -> new byte[length]));
            assertEquals("the Ed25519 signature must be 64 raw bytes, got " + length, e.getMessage());
        }
    }

    @Test
    void anyOnePinnedKeyIsEnough() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        KeyPair old = generator.generateKeyPair();
        KeyPair current = generator.generateKeyPair();
        byte[] message = new byte[1000];
        random.nextBytes(message);
        Ed25519Verifier both = new Ed25519Verifier(List.of(old.getPublic(), current.getPublic()));

        byte[] byCurrent = jdkSign(current.getPrivate(), message);
        byte[] byAnother = jdkSign(generator.generateKeyPair().getPrivate(), message);
        BinaryCheck check = both.begin(() -> byCurrent);
        check.update(message, 0, message.length);
        check.verify(new CandidateBinary(FILE, ""));

        BinaryCheck other = both.begin(() -> byAnother);
        other.update(message, 0, message.length);
        VerificationException e =
                assertThrows(VerificationException.class, () -> other.verify(new CandidateBinary(FILE, "")));
        assertEquals("the Ed25519 signature of coder does not verify with any of the 2 pinned key(s)", e.getMessage());
    }

    /** The streaming check, fed in chunks of random sizes; a refusal before the bytes counts as false. */
    private boolean judged(PublicKey key, byte[] message, byte[] signature) {
        try {
            return streamed(key, message, signature);
        } catch (VerificationException e) {
            return false;
        }
    }

    private boolean streamed(PublicKey key, byte[] message, byte[] signature) throws VerificationException {
        BinaryCheck check = new Ed25519Verifier(List.of(key)).begin(signature::clone);
        int at = 0;
        while (at < message.length) {
            int n = Math.min(message.length - at, 1 + random.nextInt(700));
            check.update(message, at, n);
            at += n;
        }
        try {
            check.verify(new CandidateBinary(FILE, ""));
            return true;
        } catch (VerificationException e) {
            assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
            return false;
        }
    }

    private static boolean jdkVerifies(PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;
        }
    }

    private static byte[] jdkSign(PrivateKey key, byte[] message) throws GeneralSecurityException {
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(key);
        signer.update(message);
        return signer.sign();
    }

    /** (R, S = nonce + k·secret mod L) with k = SHA-512(R ‖ A ‖ M): R's encoding as given, whatever point it is. */
    private static byte[] sign(BigInteger secret, PublicKey key, BigInteger nonce, byte[] r, byte[] message)
            throws GeneralSecurityException {
        MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
        sha512.update(r);
        sha512.update(Arrays.copyOfRange(key.getEncoded(), SPKI_PREFIX.length, SPKI_PREFIX.length + 32));
        sha512.update(message);
        byte[] digest = sha512.digest();
        BigInteger k = Ed25519Group.littleEndian(digest, 0, digest.length).mod(Ed25519Group.L);
        byte[] signature = Arrays.copyOf(r, 64);
        System.arraycopy(littleEndian(nonce.add(k.multiply(secret)).mod(Ed25519Group.L)), 0, signature, 32, 32);
        return signature;
    }

    private static BigInteger secretScalar(byte[] seed) throws GeneralSecurityException {
        byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        return Ed25519Group.littleEndian(h, 0, 32);
    }

    private static byte[] encode(Ed25519Group.Point point) {
        BigInteger inverse = point.z().modInverse(Ed25519Group.P);
        BigInteger x = point.x().multiply(inverse).mod(Ed25519Group.P);
        byte[] encoded = littleEndian(point.y().multiply(inverse).mod(Ed25519Group.P));
        if (x.testBit(0)) {
            encoded[31] |= (byte) 0x80;
        }
        return encoded;
    }

    private static byte[] littleEndian(BigInteger value) {
        byte[] bigEndian = value.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }

    private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + 32);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static PrivateKey privateKey(byte[] seed) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
    }
}
