package dev.tunnelhelper.helper.binary;

import java.math.BigInteger;
import java.util.Optional;

/**
 * The group arithmetic of Ed25519 (RFC 8032 §5.1) that verification needs: decoding points,
 * adding and multiplying them in extended coordinates. Verification only, over public data,
 * so nothing here needs to run in constant time. The JDK's Ed25519 cannot be given the hash
 * {@code k}: it takes the whole message as one array and keeps it in memory.
 */
final class Ed25519Group {

    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** The order of the base point. */
    static final BigInteger L = BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P))
            .mod(P);
    private static final BigInteger D2 = D.shiftLeft(1).mod(P);
    private static final BigInteger SQRT_MINUS_ONE =
            BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger SQRT_EXPONENT =
            P.subtract(BigInteger.valueOf(5)).shiftRight(3);

    static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO);
    static final Point BASE = base();

    private Ed25519Group() {}

    /** A point in extended coordinates: x = X/Z, y = Y/Z, x·y = T/Z. */
    record Point(BigInteger x, BigInteger y, BigInteger z, BigInteger t) {

        Point plus(Point q) {
            BigInteger a = mul(y.subtract(x), q.y.subtract(q.x));
            BigInteger b = mul(y.add(x), q.y.add(q.x));
            BigInteger c = mul(mul(t, D2), q.t);
            BigInteger d = mul(z.shiftLeft(1), q.z);
            BigInteger e = b.subtract(a);
            BigInteger f = d.subtract(c);
            BigInteger g = d.add(c);
            BigInteger h = b.add(a);
            return new Point(mul(e, f), mul(g, h), mul(f, g), mul(e, h));
        }

        Point doubled() {
            BigInteger a = mul(x, x);
            BigInteger b = mul(y, y);
            BigInteger c = mul(z, z).shiftLeft(1);
            BigInteger h = a.add(b);
            BigInteger xy = x.add(y);
            BigInteger e = h.subtract(mul(xy, xy));
            BigInteger g = a.subtract(b);
            BigInteger f = c.add(g);
            return new Point(mul(e, f), mul(g, h), mul(f, g), mul(e, h));
        }

        Point negated() {
            return new Point(P.subtract(x).mod(P), y, z, P.subtract(t).mod(P));
        }

        /** [scalar]this, for 0 ≤ scalar, by double-and-add from the top bit. */
        Point times(BigInteger scalar) {
            Point result = IDENTITY;
            for (int bit = scalar.bitLength() - 1; bit >= 0; bit--) {
                result = result.doubled();
                if (scalar.testBit(bit)) {
                    result = result.plus(this);
                }
            }
            return result;
        }

        /** The same point, whatever the projective representations: x1/z1 = x2/z2 and y1/z1 = y2/z2. */
        boolean sameAs(Point q) {
            return mul(x, q.z).equals(mul(q.x, z)) && mul(y, q.z).equals(mul(q.y, z));
        }
    }

    /**
     * Decodes a 32-byte point encoding (RFC 8032 §5.1.3); empty when it is not the canonical
     * encoding of a curve point. A y of p or more is refused, as the JDK refuses it.
     */
    static Optional<Point> decode(byte[] encoded) {
        if (encoded.length != 32) {
            return Optional.empty();
        }
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = encoded[31 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7f;
        BigInteger y = new BigInteger(1, bigEndian);
        if (y.compareTo(P) >= 0) {
            return Optional.empty();
        }
        return fromY(y, xOdd);
    }

    /** The point with this y and the parity of x given, if there is one. */
    static Optional<Point> fromY(BigInteger y, boolean xOdd) {
        BigInteger yy = mul(y, y);
        BigInteger u = yy.subtract(BigInteger.ONE).mod(P);
        BigInteger v = mul(D, yy).add(BigInteger.ONE).mod(P);
        BigInteger v3 = mul(mul(v, v), v);
        BigInteger x = mul(mul(u, v3), mul(u, mul(v3, mul(v3, v))).modPow(SQRT_EXPONENT, P));
        BigInteger vxx = mul(v, mul(x, x));
        if (!vxx.equals(u)) {
            if (!vxx.equals(P.subtract(u).mod(P))) {
                return Optional.empty();
            }
            x = mul(x, SQRT_MINUS_ONE);
        }
        if (x.signum() == 0 && xOdd) {
            return Optional.empty();
        }
        if (x.testBit(0) != xOdd) {
            x = P.subtract(x);
        }
        return Optional.of(new Point(x, y, BigInteger.ONE, mul(x, y)));
    }

    /** A little-endian integer, as RFC 8032 encodes scalars and hashes. */
    static BigInteger littleEndian(byte[] bytes, int offset, int length) {
        byte[] bigEndian = new byte[length];
        for (int i = 0; i < length; i++) {
            bigEndian[i] = bytes[offset + length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }

    private static BigInteger mul(BigInteger a, BigInteger b) {
        return a.multiply(b).mod(P);
    }

    private static Point base() {
        BigInteger y = BigInteger.valueOf(4)
                .multiply(BigInteger.valueOf(5).modInverse(P))
                .mod(P);
        return fromY(y, false).orElseThrow();
    }
}
