package dev.tunnelhelper.helper.apps;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * The one field the relay reads of an encoded {@code vpn.Workspace} or {@code vpn.Agent}: its
 * {@code id} (field 1, bytes), found by skipping every other field instead of decoding it.
 */
final class PeerIds {

    private PeerIds() {}

    /**
     * @return the id as protobuf decodes it: the last occurrence of field 1, empty when there is none
     * @throws InvalidProtocolBufferException if {@code encoded} is not a well-formed message
     */
    static ByteString idOf(ByteString encoded) throws InvalidProtocolBufferException {
        CodedInputStream in = encoded.newCodedInput();
        ByteString id = ByteString.EMPTY;
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == 1
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    id = in.readBytes();
                } else if (!in.skipField(tag)) {
                    throw new InvalidProtocolBufferException("a peer ends with an end-group tag");
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidProtocolBufferException(e);
        }
        return id;
    }
}
