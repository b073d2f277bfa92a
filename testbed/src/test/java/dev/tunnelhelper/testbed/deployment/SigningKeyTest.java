package dev.tunnelhelper.testbed.deployment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {

    @TempDir
    Path dir;

    @Test
    void publicKeyIsAnOpensslStylePemSubjectPublicKeyInfo() throws Exception {
        SigningKey key = SigningKey.loadOrCreate(dir);

        List<String> lines = Files.readAllLines(key.publicKeyPath(), StandardCharsets.US_ASCII);
        assertEquals("-----BEGIN PUBLIC KEY-----", lines.get(0));
        assertEquals("-----END PUBLIC KEY-----", lines.get(lines.size() - 1));
        for (String line : lines.subList(1, lines.size() - 1)) {
            assertTrue(line.length() <= 64 && line.matches("[A-Za-z0-9+/=]+"), line);
        }
        assertTrue(Files.readString(key.publicKeyPath()).endsWith("-----\n"));
        // Ed25519 SubjectPublicKeyInfo is a fixed 12-byte prefix plus the 32-byte key.
        assertArrayEquals(
                key.publicKey().getEncoded(),
                PemKeys.readEd25519PublicKey(key.publicKeyPath()).getEncoded());
        assertEquals(44, key.publicKey().getEncoded().length);
        assertEquals("MCowBQYDK2VwAyEA", lines.get(1).substring(0, 16));
    }

    @Test
    void privateKeyIsOwnerOnlyPkcs8() throws Exception {
        SigningKey.loadOrCreate(dir);

        Path privateKey = dir.resolve("signing-key.pem");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));
        assertTrue(Files.readString(privateKey).startsWith("-----BEGIN PRIVATE KEY-----\n"));
    }

    @Test
    void restartReusesTheKeyPair() throws Exception {
        SigningKey first = SigningKey.loadOrCreate(dir);
        byte[] data = "tunnel binary".getBytes(StandardCharsets.US_ASCII);

        SigningKey second = SigningKey.loadOrCreate(dir);

        assertArrayEquals(first.publicKey().getEncoded(), second.publicKey().getEncoded());
        assertTrue(PemKeys.verify(first.publicKey(), data, second.sign(data)));
        assertEquals(64, second.sign(data).length);
    }

    @Test
    void mismatchedPublicKeyIsRefused() throws Exception {
        SigningKey.loadOrCreate(dir);
        Path other = Files.createDirectory(dir.resolve("other"));
        SigningKey.loadOrCreate(other);
        Files.copy(
                other.resolve("signing-key.pub.pem"),
                dir.resolve("signing-key.pub.pem"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        IOException e = assertThrows(IOException.class, () -> SigningKey.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }

    @Test
    void missingPublicKeyIsRefused() throws Exception {
        SigningKey.loadOrCreate(dir);
        Files.delete(dir.resolve("signing-key.pub.pem"));

        IOException e = assertThrows(IOException.class, () -> SigningKey.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
