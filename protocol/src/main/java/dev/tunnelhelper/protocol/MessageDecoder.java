package dev.tunnelhelper.protocol;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import java.io.IOException;
import java.io.InputStream;

/**
 * The one decoding stage every carrier uses (as Netty chains a length-field frame decoder and a
 * protobuf decoder): a payload of at most {@link FrameCodec#maxFrameSize()} bytes that must
 * parse as one {@code R}. Byte-stream carriers (the tunnel's pipes, Unix sockets) call
 * {@link #read}, which takes the payload out of a frame with the codec's bounded allocation;
 * message carriers (XPC) have the payload already and call {@link #decode}. Either way a payload
 * is valid on every carrier or on none, and the error says the same thing.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageDecoder<R> {
    private final Parser<R> parser;
    private final FrameCodec codec;

    public MessageDecoder(Parser<R> parser, FrameCodec codec) {
        this.parser = parser;
        this.codec = codec;
    }

    /**
     * Reads one frame and decodes its payload.
     *
     * @return the message, or {@code null} on a clean end of stream before the first byte of a frame
     * @throws TruncatedFrameException if the stream ends inside a frame
     * @throws ProtocolException if the frame is over the maximum (nothing is allocated for it) or
     *         its payload is not a valid {@code R}
     */
    public R read(InputStream in) throws IOException {
        byte[] payload = codec.readFrame(in);
        return payload == null ? null : decode(payload);
    }

    /**
     * Decodes a payload a carrier received whole. The message may share the payload's bytes, so
     * the caller hands it over: nothing may write to it afterwards.
     *
     * @throws ProtocolException if it is over the maximum or not a valid {@code R}
     */
    public R decode(byte[] payload) throws ProtocolException {
        codec.checkIncoming(payload.length);
        try {
            // The payload is ours alone and never written again, so a bytes field may share it
            // instead of being copied out (a relayed peer update is most of its frame). Aliasing
            // takes effect only on input protobuf knows to be immutable: CodedInputStream's own
            // newInstance(byte[]) copies every bytes field whatever enableAliasing says.
            CodedInputStream input = UnsafeByteOperations.unsafeWrap(payload).newCodedInput();
            input.enableAliasing(true);
            R message = parser.parseFrom(input);
            input.checkLastTagWas(0); // as parseFrom(byte[]) checks: no stray end-group tag
            return message;
        } catch (InvalidProtocolBufferException e) {
            throw new ProtocolException(
                    "garbage protobuf in a frame of " + payload.length + " bytes: " + e.getMessage(), e);
        }
    }
}
