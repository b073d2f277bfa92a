package dev.tunnelhelper.protocol;

import java.io.IOException;

/**
 * Where a transport's outgoing frames go once another owner writes its bytes
 * ({@link MessageTransport#handOverWrites}): the frames in the order they were sent, each to be
 * written whole, after the ones before it.
 */
@FunctionalInterface
public interface FrameOutbox<S> {
    /** Takes {@code frame} to be written after every frame taken before; fails if the owner no longer writes. */
    void add(EncodedFrame<S> frame) throws IOException;
}
