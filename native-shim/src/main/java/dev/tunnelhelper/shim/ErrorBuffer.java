package dev.tunnelhelper.shim;

import java.nio.charset.StandardCharsets;

/** The caller-provided message buffer every shim call fills on failure. One per call: not shared. */
final class ErrorBuffer {
    static final int SIZE = 512;
    final byte[] bytes = new byte[SIZE];

    long size() {
        return SIZE;
    }

    String text() {
        return cString(bytes);
    }

    /** Throws for a negative shim result (-errno), else returns it unchanged. */
    long check(long result) {
        if (result < 0) {
            String text = text();
            throw new NativeException(
                    (int) -result, text.isEmpty() ? "native call failed with errno " + -result : text);
        }
        return result;
    }

    int check(int result) {
        return (int) check((long) result);
    }

    static String cString(byte[] bytes) {
        int len = 0;
        while (len < bytes.length && bytes[len] != 0) {
            len++;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }
}
