package dev.tunnelhelper.protocol;

/**
 * The stream ended inside a frame (in its length prefix or its payload). Distinct from a
 * clean end of stream between frames, which {@link FrameCodec#readFrame} reports as
 * {@code null}: a peer that exits cleanly never leaves half a frame behind.
 */
public final class TruncatedFrameException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public TruncatedFrameException(String message) {
        super(message);
    }
}
