package dev.tunnelhelper.shim.digest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tunnelhelper.shim.NativePlatform;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DigestsTest {

    private static final NativePlatform HOST = NativePlatform.current();

    private static Digests libcrypto() {
        assumeTrue(HOST.isLinux(), "libcrypto digests are chosen on Linux only");
        Digests chosen = Digests.choose(HOST, "auto");
        assumeTrue(chosen.engine().startsWith("libcrypto"), "no usable libcrypto on this machine: " + chosen);
        return chosen;
    }

    private static byte[] jdk(DigestAlgorithm algorithm, byte[] input) throws Exception {
        return MessageDigest.getInstance(algorithm.jdkName()).digest(input);
    }

    @Test
    void libcryptoGivesTheJdksDigestsForEveryAlgorithmSizeAndChunking() throws Exception {
        Digests digests = libcrypto();
        SplittableRandom random = new SplittableRandom(20261203);
        int[] sizes = {0, 1, 55, 56, 63, 64, 111, 112, 127, 128, 129, 1000, 65_536, 200_003};
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            for (int size : sizes) {
                byte[] input = new byte[size];
                random.nextBytes(input);
                byte[] fed = new byte[size + 17]; // fed from an offset, as a download's buffer is sliced
                System.arraycopy(input, 0, fed, 9, size);
                try (StreamingDigest digest = digests.open(algorithm)) {
                    int at = 0;
                    while (at < size) {
                        int n = Math.min(size - at, random.nextInt(1, 70_000));
                        digest.update(fed, 9 + at, n);
                        at += n;
                    }
                    assertArrayEquals(jdk(algorithm, input), digest.finish(), algorithm + " over " + size + " bytes");
                }
            }
        }
    }

    @Test
    void knownAnswersOfTheStandards() {
        Digests digests = libcrypto();
        byte[] abc = {'a', 'b', 'c'};
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", hex(digests, DigestAlgorithm.SHA_1, abc));
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                hex(digests, DigestAlgorithm.SHA_256, abc));
        assertEquals(
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
                hex(digests, DigestAlgorithm.SHA_512, abc));
    }

    @Test
    void aDigestRefusesUseAfterItFinishedOrClosed() {
        for (Digests digests : new Digests[] {Digests.jdk(), Digests.system()}) {
            StreamingDigest finished = digests.open(DigestAlgorithm.SHA_256);
            finished.update(new byte[] {1, 2, 3});
            finished.finish();
            assertThrows(IllegalStateException.class, () -> finished.update(new byte[] {4}), digests.engine());
            assertThrows(IllegalStateException.class, () -> finished.update(new byte[0]), digests.engine());
            assertThrows(IllegalStateException.class, finished::finish, digests.engine());
            finished.close(); // a no-op now, not a second free

            StreamingDigest closed = digests.open(DigestAlgorithm.SHA_512);
            closed.close();
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.update(new byte[] {4}), digests.engine());
            assertThrows(IllegalStateException.class, closed::finish, digests.engine());
        }
    }

    @Test
    void aSliceOutsideTheArrayIsRefusedAndTheDigestGoesOnUnchanged() throws Exception {
        for (Digests digests : new Digests[] {Digests.jdk(), Digests.system()}) {
            try (StreamingDigest digest = digests.open(DigestAlgorithm.SHA_256)) {
                digest.update(new byte[] {'a'});
                assertThrows(IndexOutOfBoundsException.class, () -> digest.update(new byte[4], 2, 3));
                assertThrows(IndexOutOfBoundsException.class, () -> digest.update(new byte[4], -1, 1));
                digest.update(new byte[] {'x', 'b', 'c'}, 1, 2);
                assertArrayEquals(
                        jdk(DigestAlgorithm.SHA_256, new byte[] {'a', 'b', 'c'}), digest.finish(), digests.engine());
            }
        }
    }

    @Test
    void abandonedDigestsAreReclaimedNotLeaked() {
        Digests digests = libcrypto();
        // Far more contexts than a test JVM could keep if each stayed allocated until exit would
        // suggest otherwise: each is freed by the cleaner once unreachable. Observable only as
        // "no crash, no double free" here; the free itself is libcrypto's.
        for (int i = 0; i < 20_000; i++) {
            StreamingDigest digest = digests.open(DigestAlgorithm.SHA_512);
            digest.update(new byte[] {(byte) i});
        }
        System.gc();
        try (StreamingDigest digest = digests.open(DigestAlgorithm.SHA_1)) {
            digest.update(new byte[] {'a', 'b', 'c'});
            assertEquals(
                    "a9993e364706816aba3e25717850c26c9cd0d89d", HexFormat.of().formatHex(digest.finish()));
        }
    }

    @Test
    void theJdkIsUsedWhenAskedForAndOnMacOs() {
        assertSame(Digests.jdk(), Digests.choose(HOST, "jdk"));
        assertSame(Digests.jdk(), Digests.choose(HOST, " JDK "));
        assertSame(Digests.jdk(), Digests.choose(NativePlatform.of("Mac OS X", "aarch64"), "auto"));
    }

    @Test
    void anUnknownChoiceIsAClearError() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Digests.choose(HOST, "openssl"));
        assertTrue(e.getMessage().contains("tunnelhelper.digests must be auto or jdk"), e.getMessage());
    }

    private static String hex(Digests digests, DigestAlgorithm algorithm, byte[] input) {
        try (StreamingDigest digest = digests.open(algorithm)) {
            digest.update(input);
            return HexFormat.of().formatHex(digest.finish());
        }
    }
}
