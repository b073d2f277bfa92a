package dev.tunnelhelper.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Collects a peer's handshake line one byte at a time, never past its newline (the bytes after
 * it belong to the framer), and refuses a line of {@link Handshake#MAX_HEADER_BYTES} bytes or more.
 * A decoder, not a reader: a blocking stream and a selector feed it the same way.
 */
public final class HeaderLine {
    private final byte[] buf = new byte[Handshake.MAX_HEADER_BYTES];
    private int length;

    /**
     * Takes one more byte of the header line.
     *
     * @return the complete line without its newline once {@code b} is the newline, else null
     * @throws HandshakeException when the line reached the maximum without a newline
     */
    public String add(byte b) throws HandshakeException {
        if (b == '\n') {
            // Latin-1 keeps every byte as one char, so an odd byte is shown escaped, not as '?'.
            return new String(buf, 0, length, StandardCharsets.ISO_8859_1);
        }
        if (length == buf.length - 1) {
            throw new HandshakeException(
                    HandshakeException.Reason.TOO_LONG,
                    "header is " + Handshake.MAX_HEADER_BYTES + " bytes or more without a newline");
        }
        buf[length++] = b;
        return null;
    }

    /** Bytes collected so far (without a newline). */
    public int length() {
        return length;
    }
}
