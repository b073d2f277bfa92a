package dev.tunnelhelper.app;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.UUID;

/** Peer ids travel as 16 raw bytes; people and JSON get the canonical string form. */
public final class Uuids {
    private Uuids() {}

    /** Canonical {@code 8-4-4-4-12} form; anything not 16 bytes long is shown as plain hex rather than hidden. */
    public static String format(ByteString id) {
        if (id.size() != 16) {
            return HexFormat.of().formatHex(id.toByteArray());
        }
        ByteBuffer b = id.asReadOnlyByteBuffer();
        return new UUID(b.getLong(), b.getLong()).toString();
    }

    public static ByteString bytes(UUID uuid) {
        return ByteString.copyFrom(ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits())
                .array());
    }
}
