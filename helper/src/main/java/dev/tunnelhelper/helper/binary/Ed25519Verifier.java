package dev.tunnelhelper.helper.binary;

import dev.tunnelhelper.shim.digest.DigestAlgorithm;
import dev.tunnelhelper.shim.digest.Digests;
import dev.tunnelhelper.shim.digest.StreamingDigest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Ed25519 detached signature (raw 64 bytes over the whole binary, PureEdDSA, RFC 8032) against
 * pinned public keys; any one pinned key may have signed it, so keys can be rotated by pinning
 * old and new together.
 *
 * <p>Verification needs one pass over the binary M: with the signature (R, S) fetched first,
 * k = SHA-512(R ‖ A ‖ M) mod L is hashed as the bytes stream, and the binary passes when
 * [S]B = R + [k]A. Like the JDK's Ed25519 (which this is tested against), the equation is the
 * cofactorless one, S must be below L, and R and A must be canonical encodings of curve points.
 */
public final class Ed25519Verifier implements BinaryVerifier {

    static final int SIGNATURE_BYTES = 64;

    /** A pinned key as the signature's hash covers it (its 32-byte encoding) and as a point. */
    private static final class PinnedKey {
        final byte[] encoded;
        final Ed25519Group.Point point;

        PinnedKey(byte[] encoded, Ed25519Group.Point point) {
            this.encoded = encoded;
            this.point = point;
        }
    }

    private final List<PinnedKey> keys;
    private final String fingerprint;

    public Ed25519Verifier(List<PublicKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one Ed25519 public key is required");
        }
        List<PinnedKey> pinned = new ArrayList<>();
        for (PublicKey key : keys) {
            pinned.add(pinned(key));
        }
        this.keys = List.copyOf(pinned);
        MessageDigest digest = FileHasher.digest("SHA-256");
        keys.stream()
                .map(k -> HexFormat.of().formatHex(FileHasher.digest("SHA-256").digest(k.getEncoded())))
                .sorted()
                .forEach(h -> digest.update(h.getBytes(StandardCharsets.US_ASCII)));
        this.fingerprint = "ed25519:" + HexFormat.of().formatHex(digest.digest());
    }

    /**
     * Fetches the signature and prepares what does not depend on the binary ([S]B − R), so that
     * once its last byte has been hashed only [k]A is left to compute for each key.
     */
    @Override
    public BinaryCheck begin(DetachedSignature source) throws VerificationException {
        byte[] signature = source.fetch();
        if (signature.length != SIGNATURE_BYTES) {
            throw new VerificationException(
                    "the Ed25519 signature must be " + SIGNATURE_BYTES + " raw bytes, got " + signature.length);
        }
        byte[] r = Arrays.copyOf(signature, 32);
        BigInteger s = Ed25519Group.littleEndian(signature, 32, 32);
        Optional<Ed25519Group.Point> rPoint = Ed25519Group.decode(r);
        if (s.compareTo(Ed25519Group.L) >= 0 || rPoint.isEmpty()) {
            throw new VerificationException("the Ed25519 signature is malformed (" + (rPoint.isEmpty() ? "R" : "S")
                    + " out of range), so it verifies with none of the " + keys.size() + " pinned key(s)");
        }
        Ed25519Group.Point target = Ed25519Group.BASE.times(s).plus(rPoint.get().negated());
        List<StreamingDigest> hashes = new ArrayList<>();
        for (PinnedKey key : keys) {
            StreamingDigest sha512 = Digests.system().open(DigestAlgorithm.SHA_512);
            sha512.update(r);
            sha512.update(key.encoded);
            hashes.add(sha512);
        }
        return new BinaryCheck() {
            @Override
            public void update(byte[] bytes, int offset, int length) {
                for (StreamingDigest hash : hashes) {
                    hash.update(bytes, offset, length);
                }
            }

            @Override
            public void verify(CandidateBinary candidate) throws VerificationException {
                byte[][] digests = new byte[keys.size()][];
                for (int i = 0; i < keys.size(); i++) {
                    digests[i] = hashes.get(i).finish(); // every context freed before any verdict
                }
                for (int i = 0; i < keys.size(); i++) {
                    byte[] digest = digests[i];
                    BigInteger k =
                            Ed25519Group.littleEndian(digest, 0, digest.length).mod(Ed25519Group.L);
                    if (keys.get(i).point.times(k).sameAs(target)) {
                        return;
                    }
                }
                throw new VerificationException(
                        "the Ed25519 signature of " + candidate.file().getFileName()
                                + " does not verify with any of the " + keys.size() + " pinned key(s)");
            }
        };
    }

    /** The key's canonical 32-byte encoding (what the signature's hash covers) and its point. */
    private static PinnedKey pinned(PublicKey key) {
        if (!(key instanceof EdECPublicKey edKey)) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        BigInteger y = edKey.getPoint().getY();
        boolean xOdd = edKey.getPoint().isXOdd();
        if (y.compareTo(Ed25519Group.P) >= 0) {
            throw new IllegalArgumentException("the Ed25519 public key is not a canonical encoding");
        }
        Ed25519Group.Point point = Ed25519Group.fromY(y, xOdd)
                .orElseThrow(() -> new IllegalArgumentException("the Ed25519 public key is not a curve point"));
        byte[] encoded = new byte[32];
        byte[] bigEndian = y.toByteArray();
        for (int i = 0; i < bigEndian.length && i < 32; i++) {
            encoded[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (xOdd) {
            encoded[31] |= (byte) 0x80;
        }
        return new PinnedKey(encoded, point);
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }
}
