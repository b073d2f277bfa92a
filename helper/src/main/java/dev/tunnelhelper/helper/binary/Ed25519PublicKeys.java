package dev.tunnelhelper.helper.binary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads pinned keys: PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo), as {@code openssl pkey -pubout} writes. */
final class Ed25519PublicKeys {

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private Ed25519PublicKeys() {}

    static PublicKey read(Path pemFile) throws IOException {
        String text = Files.readString(pemFile, StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw new IOException(pemFile + " holds no PEM 'PUBLIC KEY' block");
        }
        String base64 = m.group(1).replaceAll("\\s", "");
        if (m.find()) {
            throw new IOException(pemFile + " holds more than one key; pin each key in its own file");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(pemFile + " has invalid base64 in its PUBLIC KEY block", e);
        }
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(pemFile + " is not an Ed25519 public key: " + e.getMessage(), e);
        }
    }
}
