package dev.tunnelhelper.protocol;

/**
 * Text a peer chose (a hello line, a URL, an error message from another process), made safe to
 * put in a log line or an error: control characters, line and paragraph separators and
 * backslashes are escaped ({@code \n}, {@code \x1b}, {@code \u2028}, {@code \\}), so one peer
 * string is always one line that cannot forge another; and at most {@link #MAX_CHARS}
 * characters are kept, so a peer cannot make a log line arbitrarily long.
 *
 * <p>The one place this rule lives: every log line or message that quotes a peer goes through it.
 */
public final class PeerText {
    /** Characters kept from a peer's text; the rest is summarised as a count. */
    public static final int MAX_CHARS = 256;

    private PeerText() {}

    /** The escaped, capped form of {@code raw}; {@code null} reads as {@code "null"}. */
    public static String of(CharSequence raw) {
        if (raw == null) {
            return "null";
        }
        int kept = Math.min(raw.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(kept + 16);
        for (int i = 0; i < kept; i++) {
            char c = raw.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else if (c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT) {
                        // Separators and invisible format characters (bidi overrides) could fake a line break or
                        // reorder text.
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (raw.length() > kept) {
            out.append("…(").append(raw.length() - kept).append(" more characters)");
        }
        return out.toString();
    }
}
