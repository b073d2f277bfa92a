package dev.tunnelhelper.testbed.deployment;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The PEM text armour OpenSSL writes: base64 in 64-character lines between BEGIN/END lines. */
final class Pem {

    private Pem() {}

    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static byte[] decode(String label, String pem) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("no PEM block labelled " + label);
        }
        String body = pem.substring(from + begin.length(), to);
        return Base64.getMimeDecoder().decode(body.getBytes(StandardCharsets.US_ASCII));
    }
}
